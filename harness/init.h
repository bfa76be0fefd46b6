/* pushspec init [FILE]: a commented target file to start from. */
#ifndef PUSHSPEC_INIT_H
#define PUSHSPEC_INIT_H

/* FILE: NULL for pushspec-target.lua, "-" for stdout. 0, or 2 (said). */
int ps_cmd_init(const char *file, int force);

#endif
