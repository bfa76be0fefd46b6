/* pushspec scenarios export DIR: the built-in scenarios written out as files. */
#ifndef PUSHSPEC_SCENARIOS_CMD_H
#define PUSHSPEC_SCENARIOS_CMD_H

int ps_cmd_scenarios(int argc, char **argv);

#endif
