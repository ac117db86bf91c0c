/*
 * End-to-end: URLs presigned through the C ABI (include/presigner.h), sent with curl
 * (fork/exec, no shell) to a real verifying S3 server. Started by tests/e2e/run.sh, which
 * exports PRESIGNER_E2E_*; built by `make build-c-e2e` (mk/c.mk) as target/c-test/e2e.
 * Prints "c e2e: N passed, N failed" and exits non-zero on any failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "presigner.h"

#define S(x) (x), strlen(x)

static int passed, failed;
static char work[64], body_path[128], headers_path[128];
static const char *endpoint, *port, *akid, *secret, *region, *bucket;

static void check(const char *name, int good, const char *detail) {
  if (good) {
    passed++;
    printf("ok   %s\n", name);
  } else {
    failed++;
    printf("FAIL %s: %s\n", name, detail ? detail : "");
  }
}

static void check_code(const char *name, int want, int got) {
  char d[64];
  int good = want == 200 ? (got >= 200 && got < 300) : got == want;
  snprintf(d, sizeof d, "expected %s, got %d", want == 200 ? "2xx" : (want == 403 ? "403" : "404"),
           got);
  check(name, good, d);
}

static const char *env(const char *name) {
  const char *v = getenv(name);
  if (!v || !*v) {
    fprintf(stderr, "%s is not set: run tests/e2e/run.sh c\n", name);
    exit(2);
  }
  return v;
}

static void die_status(presigner_status st, const char *what) {
  char msg[1024];
  size_t n = 0;
  if (presigner_last_error_message(msg, sizeof msg, &n) != PRESIGNER_STATUS_OK) strcpy(msg, "?");
  fprintf(stderr, "%s: %s: %s\n", what, presigner_status_str((unsigned)st), msg);
  exit(1);
}

/* ---- curl --------------------------------------------------------------------------------- */

typedef struct {
  const char *data_file;   /* --data-binary @file */
  const char *headers[4];  /* "Name: value" */
  const char *connect_to;  /* --connect-to HOST:PORT:127.0.0.1:PORT */
} req_extra;

/* Runs curl for method/url; the body goes to body_path, the response headers to headers_path.
 * Returns the HTTP status. */
static int curl(const char *method, const char *url, const req_extra *x) {
  const char *argv[32];
  int n = 0;
  argv[n++] = "curl";
  argv[n++] = "-s";
  argv[n++] = "--path-as-is";
  argv[n++] = "-o";
  argv[n++] = body_path;
  argv[n++] = "-D";
  argv[n++] = headers_path;
  argv[n++] = "-w";
  argv[n++] = "%{http_code}";
  char data[256];
  if (strcmp(method, "HEAD") == 0) {
    argv[n++] = "-I";
  } else {
    argv[n++] = "-X";
    argv[n++] = method;
  }
  if (x && x->data_file) {
    snprintf(data, sizeof data, "@%s", x->data_file);
    argv[n++] = "--data-binary";
    argv[n++] = data;
  }
  for (int i = 0; x && i < 4 && x->headers[i]; i++) {
    argv[n++] = "-H";
    argv[n++] = x->headers[i];
  }
  if (x && x->connect_to) {
    argv[n++] = "--connect-to";
    argv[n++] = x->connect_to;
  }
  argv[n++] = url;
  argv[n] = NULL;
  int fd[2];
  if (pipe(fd) != 0) abort();
  pid_t pid = fork();
  if (pid < 0) abort();
  if (pid == 0) {
    dup2(fd[1], 1);
    close(fd[0]);
    close(fd[1]);
    execvp("curl", (char *const *)argv);
    _exit(127);
  }
  close(fd[1]);
  char out[16] = {0};
  size_t got = 0;
  ssize_t r;
  while (got < sizeof out - 1 && (r = read(fd[0], out + got, sizeof out - 1 - got)) > 0)
    got += (size_t)r;
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return atoi(out);
}

/* ---- files -------------------------------------------------------------------------------- */

static char *path_in(const char *name) {
  static char buf[8][192];
  static int i;
  char *p = buf[i++ % 8];
  snprintf(p, 192, "%s/%s", work, name);
  return p;
}

static void write_random(const char *path, size_t n) {
  FILE *in = fopen("/dev/urandom", "rb"), *out = fopen(path, "wb");
  if (!in || !out) abort();
  char buf[65536];
  while (n > 0) {
    size_t k = n < sizeof buf ? n : sizeof buf;
    if (fread(buf, 1, k, in) != k || fwrite(buf, 1, k, out) != k) abort();
    n -= k;
  }
  fclose(in);
  fclose(out);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    *len = 0;
    return calloc(1, 1);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) abort();
  b[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return b;
}

static int same_file(const char *a, const char *b) {
  size_t la, lb;
  char *x = read_file(a, &la), *y = read_file(b, &lb);
  int same = la == lb && memcmp(x, y, la) == 0;
  free(x);
  free(y);
  return same;
}

/* The value of response header `name` in headers_path (trimmed), or "" (static buffer). */
static const char *response_header(const char *name) {
  static char value[512];
  value[0] = '\0';
  FILE *f = fopen(headers_path, "r");
  if (!f) return value;
  char line[1024];
  size_t n = strlen(name);
  while (fgets(line, sizeof line, f)) {
    if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
      char *v = line + n + 1;
      while (*v == ' ') v++;
      v[strcspn(v, "\r\n")] = '\0';
      snprintf(value, sizeof value, "%s", v);
    }
  }
  fclose(f);
  return value;
}

/* ---- presigning --------------------------------------------------------------------------- */

static presigner_s3 *make_s3(const char *secret_key, const char *endpoint_url, const char *style) {
  presigner_credentials *c = NULL;
  presigner_status st = presigner_credentials_new(S(akid), S(secret_key), NULL, 0, NULL, &c);
  if (st != PRESIGNER_STATUS_OK) die_status(st, "credentials");
  presigner_s3_options *o = NULL;
  presigner_s3_options_new(&o);
  presigner_s3_options_set_endpoint_url(o, S(endpoint_url));
  if (style) presigner_s3_options_set_addressing_style(o, S(style));
  presigner_s3 *s3 = NULL;
  st = presigner_s3_new(S(region), c, o, &s3);
  if (st != PRESIGNER_STATUS_OK) die_status(st, "s3_new");
  presigner_s3_options_free(o);
  presigner_credentials_free(c);
  return s3;
}

typedef struct {
  int64_t now;        /* 0: the clock */
  int64_t expires_in; /* 0: 3600 */
  const char *headers[4][2];
  const char *query[2][2];
} sign_opts;

/* A presigned URL (caller frees). */
static char *presign(const presigner_s3 *s3, const char *method, const char *key,
                     const sign_opts *so) {
  presigner_presign_options *o = NULL;
  presigner_presign_options_new(&o);
  if (so) {
    if (so->now) presigner_presign_options_set_now(o, so->now);
    if (so->expires_in) presigner_presign_options_set_expires_in(o, so->expires_in);
    for (int i = 0; i < 4 && so->headers[i][0]; i++)
      presigner_presign_options_add_header(o, S(so->headers[i][0]), S(so->headers[i][1]));
    for (int i = 0; i < 2 && so->query[i][0]; i++)
      presigner_presign_options_add_query(o, S(so->query[i][0]), S(so->query[i][1]));
  }
  presigner_presigned *p = NULL;
  presigner_status st = presigner_s3_presign(s3, S(method), S(bucket), S(key), o, &p);
  if (st != PRESIGNER_STATUS_OK) die_status(st, "presign");
  presigner_str u;
  presigner_presigned_url(p, &u);
  char *url = strdup(u.data);
  presigner_presigned_free(p);
  presigner_presign_options_free(o);
  return url;
}

static char *replace(const char *s, const char *from, const char *to) {
  const char *at = strstr(s, from);
  if (!at) return strdup(s);
  size_t pre = (size_t)(at - s);
  char *out = malloc(strlen(s) - strlen(from) + strlen(to) + 1);
  if (!out) abort();
  memcpy(out, s, pre);
  strcpy(out + pre, to);
  strcat(out, at + strlen(from));
  return out;
}

int main(void) {
  endpoint = env("PRESIGNER_E2E_ENDPOINT");
  port = env("PRESIGNER_E2E_PORT");
  akid = env("PRESIGNER_E2E_ACCESS_KEY");
  secret = env("PRESIGNER_E2E_SECRET_KEY");
  region = env("PRESIGNER_E2E_REGION");
  bucket = env("PRESIGNER_E2E_BUCKET");
  strcpy(work, "/tmp/presigner-c-e2e-XXXXXX");
  if (!mkdtemp(work)) abort();
  snprintf(body_path, sizeof body_path, "%s/body", work);
  snprintf(headers_path, sizeof headers_path, "%s/headers", work);
  printf("presigner C ABI %s, curl against %s\n", presigner_version(), endpoint);

  presigner_s3 *s3 = make_s3(secret, endpoint, NULL);
  const char *key = "e2e c/sp ace+plus=eq&amp~tilde!bang(paren)/\xc3\xbcn\xc3\xaf\xc2\xa9ode/x.bin";
  char payload[192];
  snprintf(payload, sizeof payload, "%s", path_in("payload"));
  write_random(payload, 4096);
  req_extra put_payload = {payload, {NULL}, NULL};
  char *url;
  int code;

  /* 1. PUT, GET, HEAD (DELETE at the end) */
  url = presign(s3, "PUT", key, NULL);
  check_code("put with special characters", 200, curl("PUT", url, &put_payload));
  free(url);
  char *get = presign(s3, "GET", key, NULL);
  check_code("get returns 2xx", 200, curl("GET", get, NULL));
  check("get returns the same bytes", same_file(payload, body_path), "different bytes");
  url = presign(s3, "HEAD", key, NULL);
  check_code("head", 200, curl("HEAD", url, NULL));
  free(url);

  /* 2. signed Content-Type and metadata */
  sign_opts png = {0, 0, {{"Content-Type", "image/png"}, {"x-amz-meta-owner", "alice"}}, {{0}}};
  url = presign(s3, "PUT", "photo.png", &png);
  req_extra jpeg = {payload, {"Content-Type: image/jpeg", "x-amz-meta-owner: alice"}, NULL};
  check_code("put with another content type", 403, curl("PUT", url, &jpeg));
  req_extra right = {payload, {"Content-Type: image/png", "x-amz-meta-owner: alice"}, NULL};
  check_code("put with the signed content type", 200, curl("PUT", url, &right));
  free(url);
  url = presign(s3, "HEAD", "photo.png", NULL);
  curl("HEAD", url, NULL);
  check("metadata round-trips", strcmp(response_header("x-amz-meta-owner"), "alice") == 0,
        response_header("x-amz-meta-owner"));
  free(url);

  /* 3. forgeries */
  char *bad = strdup(get);
  char *last = bad + strlen(bad) - 1;
  *last = *last == '0' ? '1' : '0';
  check_code("tampered signature", 403, curl("GET", bad, NULL));
  url = replace(get, "x.bin", "y.bin");
  check_code("changed path", 403, curl("GET", url, NULL));
  free(url);
  url = replace(get, "X-Amz-Expires=3600", "X-Amz-Expires=7200");
  check_code("changed X-Amz-Expires", 403, curl("GET", url, NULL));
  free(url);
  check_code("GET URL used for PUT", 403, curl("PUT", get, &put_payload));
  presigner_s3 *wrong = make_s3("not-the-secret", endpoint, NULL);
  url = presign(wrong, "GET", key, NULL);
  check_code("wrong secret", 403, curl("GET", url, NULL));
  free(url);
  presigner_s3_free(wrong);
  int64_t now = (int64_t)time(NULL);
  sign_opts past = {now - 7200, 60, {{0}}, {{0}}};
  url = presign(s3, "GET", key, &past);
  check_code("expired URL", 403, curl("GET", url, NULL));
  free(url);
  sign_opts future = {now + 7200, 0, {{0}}, {{0}}};
  url = presign(s3, "GET", key, &future);
  check_code("URL dated 2 h in the future", 403, curl("GET", url, NULL));
  free(url);

  /* the C verifier agrees with the server on the URL and the tampered one */
  {
    presigner_keyring *k = NULL;
    presigner_keyring_new(&k);
    presigner_keyring_add(k, S(akid), S(secret), NULL, 0);
    presigner_verify_options *vo = NULL;
    presigner_verify_options_new(&vo);
    presigner_verify_options_set_region(vo, S(region));
    presigner_verified *v = NULL;
    presigner_status st = presigner_verify_presigned(S("GET"), S(get), NULL, 0, k, vo, &v);
    check("presigner_verify_presigned accepts the GET URL", st == PRESIGNER_STATUS_OK,
          presigner_status_str((unsigned)st));
    presigner_verified_free(v);
    v = NULL;
    st = presigner_verify_presigned(S("GET"), S(bad), NULL, 0, k, vo, &v);
    check("presigner_verify_presigned rejects the tampered URL",
          st == PRESIGNER_STATUS_SIGNATURE_MISMATCH, presigner_status_str((unsigned)st));
    presigner_verify_options_free(vo);
    presigner_keyring_free(k);
  }
  free(bad);

  /* 4. virtual-hosted style through --domain (Host header) and path style */
  {
    char local[128], expect_prefix[256], connect[256];
    snprintf(local, sizeof local, "http://localhost:%s", port);
    presigner_s3 *virt = make_s3(secret, local, "virtual");
    url = presign(virt, "GET", key, NULL);
    snprintf(expect_prefix, sizeof expect_prefix, "http://%s.localhost:%s/", bucket, port);
    check("virtual-hosted URL names the bucket in the host",
          strncmp(url, expect_prefix, strlen(expect_prefix)) == 0, url);
    snprintf(connect, sizeof connect, "%s.localhost:%s:127.0.0.1:%s", bucket, port, port);
    req_extra via = {NULL, {NULL}, connect};
    check_code("virtual-hosted GET", 200, curl("GET", url, &via));
    free(url);
    presigner_s3_free(virt);
    presigner_s3 *path = make_s3(secret, endpoint, "path");
    url = presign(path, "GET", key, NULL);
    check_code("path-style GET", 200, curl("GET", url, NULL));
    free(url);
    presigner_s3_free(path);
  }

  /* 5. multipart upload through presigned URLs */
  {
    const char *mkey = "e2e c/multi part.bin";
    char p1[192], p2[192], whole[192], xml[192];
    snprintf(p1, sizeof p1, "%s", path_in("part1"));
    snprintf(p2, sizeof p2, "%s", path_in("part2"));
    snprintf(whole, sizeof whole, "%s", path_in("whole"));
    snprintf(xml, sizeof xml, "%s", path_in("complete.xml"));
    write_random(p1, 5 * 1024 * 1024);
    write_random(p2, 1000);
    sign_opts create = {0, 0, {{0}}, {{"uploads", ""}}};
    url = presign(s3, "POST", mkey, &create);
    code = curl("POST", url, NULL);
    free(url);
    size_t n;
    char *resp = read_file(body_path, &n);
    char upload_id[512] = "";
    char *a = strstr(resp, "<UploadId>"), *b = a ? strstr(a, "</UploadId>") : NULL;
    if (a && b && (size_t)(b - a - 10) < sizeof upload_id) {
      memcpy(upload_id, a + 10, (size_t)(b - a - 10));
      upload_id[b - a - 10] = '\0';
    }
    free(resp);
    check_code("create multipart upload", 200, code);
    char etags[2][256];
    const char *parts[2] = {p1, p2};
    for (int i = 0; i < 2; i++) {
      char num[4], name[32];
      snprintf(num, sizeof num, "%d", i + 1);
      sign_opts part = {0, 0, {{0}}, {{"partNumber", num}, {"uploadId", upload_id}}};
      url = presign(s3, "PUT", mkey, &part);
      req_extra data = {parts[i], {NULL}, NULL};
      snprintf(name, sizeof name, "upload part %d", i + 1);
      check_code(name, 200, curl("PUT", url, &data));
      snprintf(etags[i], sizeof etags[i], "%s", response_header("etag"));
      free(url);
    }
    FILE *f = fopen(xml, "w");
    if (!f) abort();
    fprintf(f, "<CompleteMultipartUpload>");
    for (int i = 0; i < 2; i++)
      fprintf(f, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", i + 1, etags[i]);
    fprintf(f, "</CompleteMultipartUpload>");
    fclose(f);
    sign_opts complete = {0, 0, {{0}}, {{"uploadId", upload_id}}};
    url = presign(s3, "POST", mkey, &complete);
    req_extra data = {xml, {NULL}, NULL};
    check_code("complete multipart upload", 200, curl("POST", url, &data));
    free(url);
    size_t l1, l2;
    char *d1 = read_file(p1, &l1), *d2 = read_file(p2, &l2);
    f = fopen(whole, "wb");
    if (!f) abort();
    fwrite(d1, 1, l1, f);
    fwrite(d2, 1, l2, f);
    fclose(f);
    free(d1);
    free(d2);
    url = presign(s3, "GET", mkey, NULL);
    curl("GET", url, NULL);
    check("multipart object is the concatenation", same_file(whole, body_path), "different bytes");
    free(url);
  }

  url = presign(s3, "DELETE", key, NULL);
  check_code("delete", 200, curl("DELETE", url, NULL));
  free(url);
  check_code("deleted object is gone", 404, curl("GET", get, NULL));
  free(get);
  presigner_s3_free(s3);

  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", work);
  printf("c e2e: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
