/* WebSocket connections: opened as a client (client role) or accepted by the
 * fake server (an SDK connected); queue frames out, collect frames in, and
 * remember exactly how the connection ended. */
#ifndef PUSHSPEC_WS_H
#define PUSHSPEC_WS_H

#include <stddef.h>
#include <stdint.h>
#include <libwebsockets.h>

#include "net/transcript.h"
#include "net/limits.h"


typedef enum { PS_FRAME_TEXT, PS_FRAME_BINARY, PS_FRAME_OVERSIZE } ps_frame_kind;

typedef struct ps_frame {
    struct ps_frame *next;
    ps_frame_kind kind;
    int64_t t_ms;
    size_t len;
    char data[];   /* len bytes, then a NUL */
} ps_frame;

typedef enum { PS_WS_CONNECTING, PS_WS_OPEN, PS_WS_CLOSED, PS_WS_FAILED } ps_ws_state;
typedef enum { PS_SEND_TEXT, PS_SEND_BINARY, PS_SEND_PING } ps_send_kind;

struct ps_out;

typedef struct ps_ws {
    struct lws *wsi;
    ps_ws_state state;
    int num;                       /* number within its scenario, for transcripts */
    ps_transcript *tr;
    void (*notify)(void *owner);   /* called on every change the owner may wait for */
    void *owner;

    ps_frame *in_head, *in_tail;
    size_t in_bytes, in_frames;
    int in_full;                   /* over an inbox bound: frames dropped until the owner reads */
    char *rx;                      /* frame being reassembled */
    size_t rx_len, rx_cap;
    int rx_oversize;

    struct ps_out *out_head, *out_tail;
    int want_close, close_sent, close_code_out;
    char close_reason_out[124];

    int close_code;                /* from the peer's close frame; 0 if none */
    int close_coded;               /* that close frame carried a status code */
    char close_reason[124];
    int closed_by_server_frame;    /* a close frame arrived */
    int64_t closed_at_ms;
    int64_t opened_at_ms;          /* server side: when the upgrade was accepted */
    char error[256];               /* why the connection failed to open */
    int http_status;               /* upgrade answer when it was not 101 */
    int pongs;                     /* pong frames received */
    unsigned long sends, written;  /* frames the owner sent (or tried to), and those written to the socket:
                                    * fewer written once gone means the peer never got the rest */
    int released;
    int raw;                       /* a plain TCP connection: bytes in, bytes out */
    int server_side;               /* accepted by the fake server (an SDK connected) */
    char *req_path;                /* server side: the upgrade's path and query */
    struct ps_ws *next_dead;
} ps_ws;

/* Start connecting to url (ws:// or wss://) with path (query included). */
ps_ws *ps_ws_open(const char *url, const char *path, int insecure, ps_transcript *tr, int num,
                  void (*notify)(void *), void *owner, char *err, size_t errlen);
/* A raw TCP connection to host:port on the same loop (sends and receives
 * bytes as PS_SEND_BINARY / PS_FRAME_BINARY chunks), for hand-made frames. */
ps_ws *ps_ws_open_raw(const char *host, int port, ps_transcript *tr, int num,
                      void (*notify)(void *), void *owner, char *err, size_t errlen);
/* A connection the fake server accepted on wsi (upgrade path and query in
 * req_path), handed to its owner: notify(owner) on every change, as above. */
ps_ws *ps_ws_accept(struct lws *wsi, const char *req_path, ps_transcript *tr, int num,
                    void (*notify)(void *), void *owner, char *err, size_t errlen);
int ps_ws_send(ps_ws *c, ps_send_kind kind, const void *buf, size_t len);
/* What a close frame without a status code is called in transcripts and texts. */
#define PS_WS_NO_STATUS "close frame without a status code"
/* code 0: a close frame without a status code */
void ps_ws_close(ps_ws *c, int code, const char *reason);
ps_frame *ps_ws_pop(ps_ws *c);       /* caller frees */
size_t ps_ws_pending(const ps_ws *c); /* frames waiting in the inbox */
/* The owner is done: close if open; memory is reclaimed by ps_ws_reap. */
void ps_ws_release(ps_ws *c);
/* Free released connections whose sockets are gone (all, after the loop ends). */
void ps_ws_reap(int all);

int ps_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                   void *in, size_t len);

#endif
