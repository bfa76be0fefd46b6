'use strict';
// pushspec stub: behave exactly like an absent optional dependency.
throw new Error('msgpackr-extract is stubbed out by pushspec (ci/peers/stubs); msgpackr falls back to JavaScript');
