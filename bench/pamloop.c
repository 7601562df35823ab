/* In-process login loop: pam_start_confdir / pam_authenticate / pam_acct_mgmt /
 * pam_end, N times, one login per iteration, no process start.
 * usage: pamloop CONFDIR SERVICE USER PASSWORD N [CONCURRENCY]
 * Prints one line per login: "<microseconds> <pam result>" (to stdout), and
 * with CONCURRENCY > 1 runs that many threads each doing N logins, then prints
 * "total_s <seconds> logins <count> failures <count>".
 * The password comes from argv: benchmark accounts only. */
#define _GNU_SOURCE
#include <pthread.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *confdir, *service, *user, *password;
static int iterations;

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data) {
  (void)data;
  struct pam_response *r = calloc((size_t)n, sizeof *r);
  if (!r) return PAM_BUF_ERR;
  for (int i = 0; i < n; i++)
    if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
      r[i].resp = strdup(password);
  *resp = r;
  return PAM_SUCCESS;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int login_once(void) {
  struct pam_conv c = {conv, NULL};
  pam_handle_t *h = NULL;
  int rc = pam_start_confdir(service, user, &c, confdir, &h);
  if (rc != PAM_SUCCESS) return rc;
  rc = pam_authenticate(h, PAM_SILENT);
  if (rc == PAM_SUCCESS) rc = pam_acct_mgmt(h, PAM_SILENT);
  pam_end(h, rc);
  return rc;
}

static int failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg) {
  (void)arg;
  for (int i = 0; i < iterations; i++) {
    if (login_once() != PAM_SUCCESS) {
      pthread_mutex_lock(&lock);
      failures++;
      pthread_mutex_unlock(&lock);
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: pamloop CONFDIR SERVICE USER PASSWORD N [CONCURRENCY]\n");
    return 2;
  }
  confdir = argv[1]; service = argv[2]; user = argv[3]; password = argv[4];
  iterations = atoi(argv[5]);
  int threads = argc > 6 ? atoi(argv[6]) : 1;
  if (threads <= 1) {
    int bad = 0;
    for (int i = 0; i < iterations; i++) {
      double s = now();
      int rc = login_once();
      printf("%.1f %d\n", (now() - s) * 1e6, rc);
      bad += rc != PAM_SUCCESS;
    }
    return bad ? 1 : 0;
  }
  pthread_t *t = calloc((size_t)threads, sizeof *t);
  if (!t) return 2;
  double s = now();
  for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, worker, NULL);
  for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
  printf("total_s %.4f logins %d failures %d\n", now() - s, threads * iterations, failures);
  return failures ? 1 : 0;
}
