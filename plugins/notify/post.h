/* One JSON POST with libcurl. */
#ifndef S2N_NOTIFY_POST_H
#define S2N_NOTIFY_POST_H

#include <stddef.h>

typedef struct notify_response {
    long status;     /* HTTP status, 0 when no response         */
    char error[256]; /* curl's message when the request failed  */
    char body[512];  /* the start of the response body          */
} notify_response;

/* 0 when a response arrived (any status), -1 on a transport error. */
int notify_post(const char *url, const char *json, long timeout_s, notify_response *res);

#endif
