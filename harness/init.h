/* pushspec init [FILE]: a commented target file to start from. */
#ifndef PUSHSPEC_INIT_H
#define PUSHSPEC_INIT_H

int ps_cmd_init(int argc, char **argv);

#endif
