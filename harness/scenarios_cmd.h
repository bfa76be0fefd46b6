/* pushspec scenarios export DIR: the built-in scenarios written out as files. */
#ifndef PUSHSPEC_SCENARIOS_CMD_H
#define PUSHSPEC_SCENARIOS_CMD_H

/* DIR given, not empty (main checks the words). 0, or 2 (said). */
int ps_cmd_scenarios_export(const char *dir, int force);

#endif
