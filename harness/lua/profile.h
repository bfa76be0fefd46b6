/* Profile names that C and the Lua modules share (prim.PROFILE_* in Lua). */
#ifndef PUSHSPEC_PROFILE_H
#define PUSHSPEC_PROFILE_H

/* The profile whose scenarios receive webhooks: target.lua makes it from the
 * target's webhooks = { listen = ... } table. */
#define PS_PROFILE_WEBHOOKS "webhooks"

#endif
