/* C harness of `make bench` (run by bench/run.py; prints one JSON document, common schema): the
 * Rust core through the C ABI (include/presigner.h, static libpresigner_ffi.a), per call (GET:
 * presigner_s3_presign_url_into into a caller buffer; PUT: the full result,
 * presigner_s3_presign + presigner_presigned_url + free) and in batches
 * (presigner_s3_presign_many), on 1 and 2 pthreads. Inputs: bench/run.py's flattened copy of
 * bench/inputs.json (TSV "name<TAB>value" lines).
 *   bench_c INPUTS.tsv run   |   bench_c INPUTS.tsv rss N */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "presigner.h"
#define S(x) (x), strlen(x)
#define MAXV 64

static char *akid, *secret, *token, *region, *bucket, *keys[MAXV], *put_h[MAXV][2];
static long expires, now_epoch, batches[MAXV], threads[MAXV];
static int nkeys, nput, nbatches, nthreads;
static int samples, max_reps;
static double sample_us, budget_s, min_batch_s;

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void die(const char *what) {
  char buf[512];
  size_t len = 0;
  presigner_last_error_message(buf, sizeof buf, &len);
  fprintf(stderr, "bench_c: %s: %s\n", what, buf);
  exit(1);
}

static void read_inputs(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) { perror(path); exit(1); }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) > 0) {
    if (line[n - 1] == '\n') line[--n] = 0;
    char *tab = strchr(line, '\t');
    if (!tab) continue;
    *tab = 0;
    char *v = strdup(tab + 1);
    char *tab2 = strchr(v, '\t');
    if (!strcmp(line, "access_key_id")) akid = v;
    else if (!strcmp(line, "secret_access_key")) secret = v;
    else if (!strcmp(line, "session_token")) token = v;
    else if (!strcmp(line, "region")) region = v;
    else if (!strcmp(line, "bucket")) bucket = v;
    else if (!strcmp(line, "expires_in")) expires = atol(v);
    else if (!strcmp(line, "now_epoch")) now_epoch = atol(v);
    else if (!strcmp(line, "key") && nkeys < MAXV) keys[nkeys++] = v;
    else if (!strcmp(line, "put_header") && tab2 && nput < MAXV) { *tab2 = 0; put_h[nput][0] = v; put_h[nput++][1] = tab2 + 1; }
    else if (!strcmp(line, "batch") && nbatches < MAXV) batches[nbatches++] = atol(v);
    else if (!strcmp(line, "thread") && nthreads < MAXV) threads[nthreads++] = atol(v);
    else if (!strcmp(line, "samples")) samples = atoi(v);
    else if (!strcmp(line, "sample_us")) sample_us = atof(v);
    else if (!strcmp(line, "budget_s")) budget_s = atof(v);
    else if (!strcmp(line, "min_batch_s")) min_batch_s = atof(v);
    else if (!strcmp(line, "max_reps")) max_reps = atoi(v);
  }
  free(line);
  fclose(f);
  if (!akid || !secret || !token || !region || !bucket || !nkeys) { fprintf(stderr, "bench_c: incomplete inputs\n"); exit(1); }
}

static presigner_s3 *s3_plain, *s3_tok;
static presigner_presign_options *o_get, *o_put;
static size_t sink;

/* one URL per call. GET: the one-call URL API into a caller buffer (as a C user makes a link);
 * otherwise the full result: presign, read the URL, free */
static void one(const presigner_s3 *s3, const char *method, const char *key, const presigner_presign_options *o) {
  if (!strcmp(method, "GET")) {
    char buf[2048];
    size_t len = 0;
    if (presigner_s3_presign_url_into(s3, S(method), S(bucket), S(key), expires, true, now_epoch, NULL, buf,
                                      sizeof buf, &len))
      die("presign_url_into");
    sink += len;
    return;
  }
  presigner_presigned *out = NULL;
  if (presigner_s3_presign(s3, S(method), S(bucket), S(key), o, &out)) die("presign");
  presigner_str u;
  presigner_presigned_url(out, &u);
  sink += u.len;
  presigner_presigned_free(out);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void latency(const char *kase, const presigner_s3 *s3, const char *method, const presigner_presign_options *o, int first, double *est_out) {
  long i = 0;
  double t0 = now_us(), warm = samples > 100 ? 50000 : 1000;
  while (now_us() - t0 < warm || i < 3) { one(s3, method, keys[i % nkeys], o); i++; }
  double est = (now_us() - t0) / i;
  long k = (long)fmax(1, ceil(sample_us / est));
  long n = (long)fmax(5, fmin(samples, floor(budget_s * 1e6 / (est * k))));
  double *s = malloc(sizeof(double) * n);
  for (long j = 0; j < n; j++) {
    double t = now_us();
    for (long c = 0; c < k; c++, i++) one(s3, method, keys[i % nkeys], o);
    s[j] = (now_us() - t) / k;
  }
  qsort(s, n, sizeof(double), cmp);
  long p = (long)fmin(n, fmax(1, ceil(n * 0.99))) - 1;
  printf("%s{\"impl\":\"presigner C ABI\",\"role\":\"presigner\",\"case\":\"%s\",\"us_median\":%.4f,\"us_p99\":%.4f,\"samples\":%ld,\"calls_per_sample\":%ld}",
         first ? "" : ",", kase, s[n / 2], s[p], n, k);
  if (est_out) *est_out = s[n / 2];
  free(s);
}

typedef struct { presigner_str *keys; size_t n; size_t urls; } job;

static void *many(void *arg) {
  job *j = arg;
  presigner_url_list *list = NULL;
  if (presigner_s3_presign_many(s3_plain, S("GET"), S(bucket), j->keys, j->n, o_get, &list)) die("presign_many");
  presigner_url_list_count(list, &j->urls);
  presigner_str u;
  presigner_url_list_get(list, 0, &u);
  sink += u.len;
  presigner_url_list_free(list);
  return NULL;
}

static size_t run_batch(presigner_str *ks, size_t n, long nt) {
  job jobs[MAXV];
  pthread_t th[MAXV];
  size_t chunk = (n + nt - 1) / nt, total = 0;
  int used = 0;
  for (size_t off = 0; off < n; off += chunk, used++) {
    jobs[used] = (job){ks + off, off + chunk > n ? n - off : chunk, 0};
    if (nt == 1) many(&jobs[used]);
    else pthread_create(&th[used], NULL, many, &jobs[used]);
  }
  for (int j = 0; j < used; j++) {
    if (nt > 1) pthread_join(th[j], NULL);
    total += jobs[j].urls;
  }
  return total;
}

static presigner_str *make_keys(size_t n) {
  presigner_str *ks = malloc(sizeof(presigner_str) * (n ? n : 1));
  for (size_t i = 0; i < n; i++) {
    const char *k = keys[i % nkeys];
    size_t len = strlen(k) + 24;
    char *b = malloc(len);
    snprintf(b, len, "%s.%zu", k, i);
    ks[i] = (presigner_str){b, strlen(b)};
  }
  return ks;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: bench_c INPUTS.tsv run|rss N\n"); return 2; }
  read_inputs(argv[1]);
  presigner_credentials *c1 = NULL, *c2 = NULL;
  if (presigner_credentials_new(S(akid), S(secret), NULL, 0, NULL, &c1)) die("credentials");
  if (presigner_credentials_new(S(akid), S(secret), S(token), NULL, &c2)) die("credentials");
  if (presigner_s3_new(S(region), c1, NULL, &s3_plain) || presigner_s3_new(S(region), c2, NULL, &s3_tok)) die("s3");
  if (presigner_presign_options_new(&o_get) || presigner_presign_options_new(&o_put)) die("options");
  presigner_presign_options_set_expires_in(o_get, expires);
  presigner_presign_options_set_now(o_get, now_epoch);
  presigner_presign_options_set_expires_in(o_put, expires);
  presigner_presign_options_set_now(o_put, now_epoch);
  for (int i = 0; i < nput; i++)
    if (presigner_presign_options_add_header(o_put, S(put_h[i][0]), S(put_h[i][1]))) die("header");

  if (!strcmp(argv[2], "rss")) {
    size_t n = (size_t)atol(argv[3]);
    presigner_str *ks = make_keys(n);
    presigner_url_list *list = NULL;
    if (presigner_s3_presign_many(s3_plain, S("GET"), S(bucket), ks, n, o_get, &list)) die("presign_many");
    size_t count = 0, bytes = 0;
    presigner_url_list_count(list, &count);
    for (size_t i = 0; i < count; i++) { presigner_str u; presigner_url_list_get(list, i, &u); bytes += u.len; }
    printf("{\"urls\":%zu,\"bytes\":%zu}\n", count, bytes);
    return 0;
  }

  printf("{\"language\":\"c\",\"runtime\":\"gcc -O2, static libpresigner_ffi.a (%s)\",", presigner_version());
  printf("\"batch_api\":{\"presigner C ABI\":\"presigner_s3_presign_many\"},");
  printf("\"notes\":[\"per call: GET presigner_s3_presign_url_into (caller buffer); PUT presigner_s3_presign + presigner_presigned_url + presigner_presigned_free (the full result is built)\"],");
  printf("\"latency\":[");
  double est = 0;
  latency("get", s3_plain, "GET", o_get, 1, &est);
  latency("get_token", s3_tok, "GET", o_get, 0, NULL);
  latency("put", s3_plain, "PUT", o_put, 0, NULL);
  printf("],\"throughput\":[");
  long maxn = 0;
  for (int b = 0; b < nbatches; b++) maxn = batches[b] > maxn ? batches[b] : maxn;
  presigner_str *ks = make_keys((size_t)maxn);
  int first = 1;
  for (int b = 0; b < nbatches; b++) {
    for (int t = 0; t < nthreads; t++) {
      long n = batches[b], nt = threads[t];
      double est_s = est * n / 1e6 / nt;
      printf("%s", first ? "" : ",");
      first = 0;
      if (est_s > budget_s) {
        printf("{\"impl\":\"presigner C ABI\",\"batch\":%ld,\"threads\":%ld,\"skipped\":\"estimated %.0f s > budget\"}", n, nt, est_s);
        continue;
      }
      int reps = (int)fmax(1, fmin(max_reps, ceil(min_batch_s / fmax(est_s, 1e-9))));
      double *times = malloc(sizeof(double) * reps);
      for (int r = 0; r < reps; r++) {
        double t0 = now_us();
        size_t got = run_batch(ks, (size_t)n, nt);
        times[r] = (now_us() - t0) / 1e6;
        if (got != (size_t)n) { fprintf(stderr, "bench_c: %zu URLs for %ld\n", got, n); return 1; }
      }
      qsort(times, reps, sizeof(double), cmp);
      double med = times[reps / 2];
      printf("{\"impl\":\"presigner C ABI\",\"batch\":%ld,\"threads\":%ld,\"reps\":%d,\"seconds\":%.9f,\"us_per_url\":%.4f,\"urls_per_s\":%.1f}",
             n, nt, reps, med, med * 1e6 / n, n / med);
      free(times);
    }
  }
  printf("]}\n");
  if (!sink) return 1;
  return 0;
}
