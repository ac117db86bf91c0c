/*
 * C tests of the presigner C ABI (include/presigner.h): the conformance vectors through the
 * C API, every presigner_status value provoked, ownership rules, and shared handles used from
 * several threads; verification: every query case of the signing suite verifies with the right
 * secret and fails with a wrong one, every verification status, keyrings and C lookups. Built by mk/c.mk against the static and the shared library, run under
 * valgrind and once with -fsanitize=address,undefined. Ends with "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "presigner.h"

/* ---- vectors (generated) ------------------------------------------------------------------ */

enum vmode { VQUERY, VHEADER, VS3 };
typedef struct {
  const char *name;
  const char *value;
} vpair;

#include "vectors.inc"

typedef struct {
  const char *name;
  enum vmode mode;
  const char *method, *url, *bucket, *key;
  size_t header_count;
  vpair headers[VECTOR_MAX_HEADERS];
  size_t query_count;
  vpair query[VECTOR_MAX_QUERY];
  const char *body;
  size_t body_len;
  const char *akid, *secret, *token, *region, *service;
  int64_t now, expires_in;
  int set_settings, normalize_path, double_encode;
  const char *payload_hash;
  int content_sha256_header, omit_session_token;
  const char *exp_canonical_request, *exp_string_to_sign, *exp_signature, *exp_url,
      *exp_authorization;
  /* the suite's signed request (query cases of the signing suite), for verification */
  const char *sr_method, *sr_url;
  size_t sr_header_count;
  vpair sr_headers[VECTOR_MAX_SR_HEADERS];
} vector;

#define VECTOR_CASES
#include "vectors.inc"

/* ---- tiny test harness -------------------------------------------------------------------- */

static int passed, failed;

#define S(lit) (lit), strlen(lit)

static void ok(int cond, const char *what) {
  if (cond) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "FAIL: %s\n", what);
  }
}

static char *last_error(void) {
  size_t need = presigner_last_error_length() + 1, got = 0;
  char *buf = malloc(need);
  if (!buf) abort();
  if (presigner_last_error_message(buf, need, &got) != PRESIGNER_STATUS_OK) {
    strcpy(buf, "<no message>");
  }
  return buf;
}

/* Checks a status; on mismatch prints the message. */
static void expect_status(presigner_status got, presigner_status want, const char *what) {
  if (got != want) {
    char *m = last_error();
    fprintf(stderr, "FAIL: %s: got %s (%d), want %s (%d): %s\n", what,
            presigner_status_str((unsigned)got), (int)got, presigner_status_str((unsigned)want),
            (int)want, m);
    free(m);
    failed++;
  } else {
    passed++;
  }
}

static int str_eq(presigner_str s, const char *want) {
  return want && s.len == strlen(want) && memcmp(s.data, want, s.len) == 0 &&
         s.data[s.len] == '\0';
}

static void expect_str(presigner_str s, const char *want, const char *case_name,
                       const char *field) {
  if (str_eq(s, want)) {
    passed++;
    return;
  }
  failed++;
  fprintf(stderr, "FAIL: %s: %s\n  got:  %.*s\n  want: %s\n", case_name, field, (int)s.len,
          s.data ? s.data : "(null)", want ? want : "(null)");
}

static presigner_credentials *make_creds(const char *akid, const char *secret,
                                         const char *token, const int64_t *expires) {
  presigner_credentials *c = NULL;
  presigner_status st = presigner_credentials_new(akid, strlen(akid), secret, strlen(secret),
                                                  token, token ? strlen(token) : 0, expires, &c);
  expect_status(st, PRESIGNER_STATUS_OK, "credentials_new");
  return c;
}

/* A copy of s without the spaces that follow commas. */
static char *squeeze_comma_space(const char *s) {
  char *out = malloc(strlen(s) + 1), *o = out;
  if (!out) abort();
  for (const char *p = s; *p; p++) {
    if (*p == ' ' && p > s && p[-1] == ',') continue;
    *o++ = *p;
  }
  *o = '\0';
  return out;
}

/* ---- conformance vectors ------------------------------------------------------------------ */

static presigner_signing_params *vector_params(const vector *v) {
  presigner_signing_params *p = NULL;
  expect_status(presigner_signing_params_new(S(v->region), S(v->service), &p),
                PRESIGNER_STATUS_OK, "signing_params_new");
  presigner_signing_params_set_now(p, v->now);
  if (v->set_settings) {
    presigner_signing_params_set_normalize_path(p, v->normalize_path);
    presigner_signing_params_set_double_encode(p, v->double_encode);
    presigner_signing_params_set_content_sha256_header(p, v->content_sha256_header);
    presigner_signing_params_set_omit_session_token(p, v->omit_session_token);
  }
  if (v->payload_hash) {
    expect_status(presigner_signing_params_set_payload_hash(p, S(v->payload_hash)),
                  PRESIGNER_STATUS_OK, "set_payload_hash");
  }
  return p;
}

static void run_vector(const vector *v) {
  presigner_credentials *creds = make_creds(v->akid, v->secret, v->token, NULL);
  presigner_str cr = {0}, sts = {0}, sig = {0}, url = {0};
  if (v->mode == VHEADER) {
    presigner_header hs[VECTOR_MAX_HEADERS];
    for (size_t i = 0; i < v->header_count; i++) {
      hs[i].name.data = v->headers[i].name;
      hs[i].name.len = strlen(v->headers[i].name);
      hs[i].value.data = v->headers[i].value;
      hs[i].value.len = strlen(v->headers[i].value);
    }
    presigner_signing_params *p = vector_params(v);
    presigner_signed *out = NULL;
    presigner_status st =
        presigner_sign_request(S(v->method), S(v->url), v->header_count ? hs : NULL,
                               v->header_count, (const uint8_t *)v->body, v->body_len, creds, p,
                               &out);
    expect_status(st, PRESIGNER_STATUS_OK, v->name);
    if (out) {
      presigner_signed_canonical_request(out, &cr);
      presigner_signed_string_to_sign(out, &sts);
      presigner_signed_signature(out, &sig);
      expect_str(cr, v->exp_canonical_request, v->name, "canonical request");
      expect_str(sts, v->exp_string_to_sign, v->name, "string to sign");
      expect_str(sig, v->exp_signature, v->name, "signature");
      if (v->exp_authorization) {
        /* the S3 documentation writes "a,SignedHeaders=": spaces after commas are optional */
        presigner_str a = {0};
        presigner_signed_authorization(out, &a);
        char *got = squeeze_comma_space(a.data), *want = squeeze_comma_space(v->exp_authorization);
        ok(strcmp(got, want) == 0, "authorization");
        if (strcmp(got, want) != 0) fprintf(stderr, "  %s: %s\n  vs %s\n", v->name, got, want);
        free(got);
        free(want);
      }
    }
    presigner_signed_free(out);
    presigner_signing_params_free(p);
  } else {
    presigner_presign_options *o = NULL;
    presigner_presign_options_new(&o);
    presigner_presign_options_set_expires_in(o, v->expires_in);
    for (size_t i = 0; i < v->header_count; i++) {
      presigner_presign_options_add_header(o, S(v->headers[i].name), S(v->headers[i].value));
    }
    for (size_t i = 0; i < v->query_count; i++) {
      presigner_presign_options_add_query(o, S(v->query[i].name), S(v->query[i].value));
    }
    presigner_presigned *out = NULL;
    presigner_signing_params *p = NULL;
    presigner_s3 *s3 = NULL;
    if (v->mode == VQUERY) {
      p = vector_params(v);
      expect_status(presigner_presign_url(S(v->method), S(v->url), creds, p, o, &out),
                    PRESIGNER_STATUS_OK, v->name);
    } else {
      presigner_presign_options_set_now(o, v->now);
      expect_status(presigner_s3_new(S(v->region), creds, NULL, &s3), PRESIGNER_STATUS_OK,
                    "s3_new");
      expect_status(
          presigner_s3_presign(s3, S(v->method), S(v->bucket), S(v->key), o, &out),
          PRESIGNER_STATUS_OK, v->name);
    }
    if (out) {
      presigner_presigned_fields f;
      expect_status(presigner_presigned_get_fields(out, &f), PRESIGNER_STATUS_OK, "fields");
      presigner_presigned_canonical_request(out, &cr);
      presigner_presigned_string_to_sign(out, &sts);
      presigner_presigned_signature(out, &sig);
      presigner_presigned_url(out, &url);
      expect_str(cr, v->exp_canonical_request, v->name, "canonical request");
      expect_str(sts, v->exp_string_to_sign, v->name, "string to sign");
      expect_str(sig, v->exp_signature, v->name, "signature");
      expect_str(f.signature, v->exp_signature, v->name, "fields.signature");
      if (v->exp_url) expect_str(url, v->exp_url, v->name, "url");
      ok(f.signed_at == v->now, "signed_at is the given time");
      ok(f.expires_at == v->now + v->expires_in, "expires_at = now + expires_in");
    }
    presigner_presigned_free(out);
    presigner_signing_params_free(p);
    presigner_s3_free(s3);
    presigner_presign_options_free(o);
  }
  presigner_credentials_free(creds);
}

static void test_vectors(void) {
  size_t n = sizeof VECTORS / sizeof VECTORS[0];
  int before = failed;
  for (size_t i = 0; i < n; i++) run_vector(&VECTORS[i]);
  printf("vectors: %zu cases run through the C API (%d skipped: not in the C API), %s\n", n,
         VECTOR_SKIPPED, failed == before ? "all exact" : "FAILURES");
}

/* ---- one test per status ------------------------------------------------------------------ */

#define AKID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define DOC_NOW 1369353600LL /* 2013-05-24T00:00:00Z */

static presigner_s3 *doc_s3(void) {
  presigner_credentials *c = make_creds(AKID, SECRET, NULL, NULL);
  presigner_s3 *s3 = NULL;
  expect_status(presigner_s3_new(S("us-east-1"), c, NULL, &s3), PRESIGNER_STATUS_OK, "s3_new");
  presigner_credentials_free(c);
  return s3;
}

static presigner_presign_options *doc_opts(void) {
  presigner_presign_options *o = NULL;
  expect_status(presigner_presign_options_new(&o), PRESIGNER_STATUS_OK, "options_new");
  presigner_presign_options_set_now(o, DOC_NOW);
  return o;
}

/* presign GET examplebucket/key with o; checks the status and that out is untouched on failure. */
static void presign_expect(presigner_s3 *s3, const char *method, const char *bucket,
                           const char *key, presigner_presign_options *o, presigner_status want,
                           const char *what) {
  presigner_presigned *sentinel = (presigner_presigned *)&passed; /* never dereferenced */
  presigner_presigned *out = sentinel;
  presigner_status st = presigner_s3_presign(s3, S(method), S(bucket), S(key), o, &out);
  expect_status(st, want, what);
  if (want != PRESIGNER_STATUS_OK) {
    ok(out == sentinel, "out-parameter untouched on failure");
    char *m = last_error();
    ok(strlen(m) > 0, "a message is recorded on failure");
    free(m);
  } else {
    presigner_presigned_free(out);
  }
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) abort();
  fputs(text, f);
  fclose(f);
}

static void test_statuses(void) {
  presigner_s3 *s3 = doc_s3();
  presigner_presign_options *o = doc_opts();
  presigner_credentials *creds = make_creds(AKID, SECRET, NULL, NULL);

  /* 1 INVALID_EXPIRY */
  presigner_presign_options_set_expires_in(o, 0);
  presign_expect(s3, "GET", "examplebucket", "k", o, PRESIGNER_STATUS_INVALID_EXPIRY, "expiry 0");
  presigner_presign_options_set_expires_in(o, 604801);
  presign_expect(s3, "GET", "examplebucket", "k", o, PRESIGNER_STATUS_INVALID_EXPIRY,
                 "expiry 604801");
  presigner_presign_options_set_expires_in(o, 3600);
  /* 2 INVALID_BUCKET */
  presign_expect(s3, "GET", "Bad_Bucket", "k", o, PRESIGNER_STATUS_INVALID_BUCKET, "bucket");
  /* 3 INVALID_KEY */
  presign_expect(s3, "GET", "examplebucket", "", o, PRESIGNER_STATUS_INVALID_KEY, "empty key");
  /* 4 INVALID_REGION */
  {
    presigner_s3 *x = (presigner_s3 *)&passed;
    expect_status(presigner_s3_new(S("us east 1"), creds, NULL, &x),
                  PRESIGNER_STATUS_INVALID_REGION, "region");
    ok(x == (presigner_s3 *)&passed, "s3 out untouched");
  }
  /* 5 INVALID_ENDPOINT */
  {
    presigner_s3_options *so = NULL;
    presigner_s3_options_new(&so);
    presigner_s3_options_set_endpoint_url(so, S("ftp://example.com"));
    presigner_s3 *x = NULL;
    expect_status(presigner_s3_new(S("us-east-1"), creds, so, &x),
                  PRESIGNER_STATUS_INVALID_ENDPOINT, "endpoint");
    ok(x == NULL, "s3 out untouched");
    presigner_s3_options_free(so);
  }
  /* 6 INVALID_HEADER */
  {
    presigner_presign_options *h = doc_opts();
    presigner_presign_options_add_header(h, S("bad name"), S("v"));
    presign_expect(s3, "GET", "examplebucket", "k", h, PRESIGNER_STATUS_INVALID_HEADER,
                   "header name");
    presigner_presign_options_free(h);
  }
  /* 7 INVALID_QUERY */
  {
    presigner_presign_options *q = doc_opts();
    presigner_presign_options_add_query(q, S("X-Amz-Signature"), S("x"));
    presign_expect(s3, "GET", "examplebucket", "k", q, PRESIGNER_STATUS_INVALID_QUERY,
                   "auth query param");
    presigner_presign_options_free(q);
  }
  /* 8 INVALID_URL, 10 INVALID_SERVICE */
  {
    presigner_signing_params *p = NULL;
    presigner_signing_params_new(S("us-east-1"), S("sts"), &p);
    presigner_presigned *out = NULL;
    expect_status(presigner_presign_url(S("GET"), S("not a url"), creds, p, NULL, &out),
                  PRESIGNER_STATUS_INVALID_URL, "url");
    ok(out == NULL, "presign_url out untouched");
    presigner_signing_params_free(p);
    presigner_signing_params_new(S("us-east-1"), S("bad service"), &p);
    expect_status(presigner_presign_url(S("GET"), S("https://sts.amazonaws.com/"), creds, p,
                                        NULL, &out),
                  PRESIGNER_STATUS_INVALID_SERVICE, "service");
    presigner_signing_params_free(p);
  }
  /* 9 INVALID_METHOD */
  presign_expect(s3, "GE T", "examplebucket", "k", o, PRESIGNER_STATUS_INVALID_METHOD, "method");
  /* 11 INVALID_TIME */
  {
    presigner_presign_options *t = doc_opts();
    presigner_presign_options_set_now(t, -1);
    presign_expect(s3, "GET", "examplebucket", "k", t, PRESIGNER_STATUS_INVALID_TIME,
                   "time before 1970");
    presigner_presign_options_set_now(t, 253402300800LL);
    presign_expect(s3, "GET", "examplebucket", "k", t, PRESIGNER_STATUS_INVALID_TIME,
                   "time after 9999");
    presigner_presign_options_free(t);
  }
  /* 12 INVALID_OPTION (several sources) */
  {
    presigner_s3_options *so = NULL;
    presigner_s3_options_new(&so);
    expect_status(presigner_s3_options_set_addressing_style(so, S("sideways")),
                  PRESIGNER_STATUS_INVALID_OPTION, "addressing style");
    expect_status(presigner_s3_options_set_expiry_policy(so, S("maybe")),
                  PRESIGNER_STATUS_INVALID_OPTION, "expiry policy");
    presigner_s3_options_set_accelerate(so, true);
    presigner_s3_options_set_fips(so, true);
    presigner_s3 *x = NULL;
    expect_status(presigner_s3_new(S("us-east-1"), creds, so, &x),
                  PRESIGNER_STATUS_INVALID_OPTION, "accelerate+fips");
    presigner_s3_options_free(so);
    presigner_presign_options *t = doc_opts();
    expect_status(presigner_presign_options_set_response_override(t, S("colour"), S("red")),
                  PRESIGNER_STATUS_INVALID_OPTION, "response override name");
    presigner_signing_params *p = NULL;
    presigner_signing_params_new(S("us-east-1"), S("sts"), &p);
    expect_status(presigner_signing_params_set_payload_hash(p, S("not a hash")),
                  PRESIGNER_STATUS_INVALID_OPTION, "payload hash");
    presigner_presign_options_set_version_id(t, S("v1"));
    presigner_presigned *out = NULL;
    expect_status(presigner_presign_url(S("GET"), S("https://sts.amazonaws.com/"), creds, p, t,
                                        &out),
                  PRESIGNER_STATUS_INVALID_OPTION, "version id on presign_url");
    presigner_signing_params_free(p);
    presigner_presign_options_free(t);
  }
  /* 13 INVALID_CREDENTIALS */
  {
    presigner_credentials *c = NULL;
    expect_status(presigner_credentials_new(S(""), S(SECRET), NULL, 0, NULL, &c),
                  PRESIGNER_STATUS_INVALID_CREDENTIALS, "empty access key id");
    expect_status(presigner_credentials_new(S(AKID), S(SECRET), S(""), NULL, &c),
                  PRESIGNER_STATUS_INVALID_CREDENTIALS, "empty session token");
    ok(c == NULL, "credentials out untouched");
  }
  /* 14 MISSING_CREDENTIALS, 15 PROFILE_ERROR (and the success paths of env/profile/chain) */
  {
    char dir[] = "/tmp/presigner-c-XXXXXX";
    if (!mkdtemp(dir)) abort();
    char credfile[256], cfgfile[256];
    snprintf(credfile, sizeof credfile, "%s/credentials", dir);
    snprintf(cfgfile, sizeof cfgfile, "%s/config", dir);
    write_file(credfile,
               "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s3cr3t\n"
               "[incomplete]\naws_access_key_id = AKIDONLY\n");
    write_file(cfgfile, "");
    setenv("AWS_SHARED_CREDENTIALS_FILE", credfile, 1);
    setenv("AWS_CONFIG_FILE", cfgfile, 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_SECURITY_TOKEN");
    unsetenv("AWS_CREDENTIAL_EXPIRATION");
    presigner_credentials *c = NULL;
    expect_status(presigner_credentials_from_env(&c), PRESIGNER_STATUS_MISSING_CREDENTIALS,
                  "from_env without variables");
    expect_status(presigner_credentials_from_profile(S("nosuchprofile"), &c),
                  PRESIGNER_STATUS_PROFILE_ERROR, "unknown profile");
    expect_status(presigner_credentials_from_profile(S("incomplete"), &c),
                  PRESIGNER_STATUS_PROFILE_ERROR, "profile without secret");
    ok(c == NULL, "credentials out untouched");
    presigner_str akid = {0};
    expect_status(presigner_credentials_from_profile(NULL, 0, &c), PRESIGNER_STATUS_OK,
                  "default profile");
    presigner_credentials_access_key_id(c, &akid);
    expect_str(akid, "AKIDPROFILE", "from_profile", "access key id");
    presigner_credentials_free(c);
    c = NULL;
    expect_status(presigner_credentials_from_default_chain(&c), PRESIGNER_STATUS_OK,
                  "default chain falls back to the profile");
    presigner_credentials_access_key_id(c, &akid);
    expect_str(akid, "AKIDPROFILE", "default chain", "access key id");
    presigner_credentials_free(c);
    c = NULL;
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    setenv("AWS_SESSION_TOKEN", "envtoken", 1);
    expect_status(presigner_credentials_from_env(&c), PRESIGNER_STATUS_OK, "from_env");
    presigner_credentials_access_key_id(c, &akid);
    expect_str(akid, "AKIDENV", "from_env", "access key id");
    presigner_credentials_free(c);
    c = NULL;
    expect_status(presigner_credentials_from_default_chain(&c), PRESIGNER_STATUS_OK,
                  "default chain prefers env");
    presigner_credentials_access_key_id(c, &akid);
    expect_str(akid, "AKIDENV", "default chain", "access key id");
    presigner_credentials_free(c);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/presigner/credentials", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/presigner/config", 1);
    c = NULL;
    expect_status(presigner_credentials_from_default_chain(&c),
                  PRESIGNER_STATUS_MISSING_CREDENTIALS, "default chain with nothing");
    unlink(credfile);
    unlink(cfgfile);
    rmdir(dir);
  }
  /* 16 CREDENTIALS_EXPIRED, 17 CREDENTIALS_EXPIRE_BEFORE_URL, and the clamp/allow policies */
  {
    int64_t exp = DOC_NOW + 600;
    presigner_credentials *tc = make_creds(AKID, SECRET, "TOKEN", &exp);
    presigner_s3 *ts = NULL;
    presigner_s3_new(S("us-east-1"), tc, NULL, &ts);
    presigner_presign_options *t = doc_opts();
    presigner_presign_options_set_expires_in(t, 3600);
    presign_expect(ts, "GET", "examplebucket", "k", t,
                   PRESIGNER_STATUS_CREDENTIALS_EXPIRE_BEFORE_URL, "expire before url");
    presigner_presign_options_set_now(t, DOC_NOW + 601);
    presign_expect(ts, "GET", "examplebucket", "k", t, PRESIGNER_STATUS_CREDENTIALS_EXPIRED,
                   "expired");
    presigner_presign_options_set_now(t, DOC_NOW);
    presigner_s3_free(ts);

    const char *policies[] = {"clamp", "allow"};
    for (int i = 0; i < 2; i++) {
      presigner_s3_options *so = NULL;
      presigner_s3_options_new(&so);
      expect_status(presigner_s3_options_set_expiry_policy(so, S(policies[i])),
                    PRESIGNER_STATUS_OK, "set policy");
      ts = NULL;
      presigner_s3_new(S("us-east-1"), tc, so, &ts);
      presigner_presigned *out = NULL;
      expect_status(presigner_s3_presign(ts, S("GET"), S("examplebucket"), S("k"), t, &out),
                    PRESIGNER_STATUS_OK, policies[i]);
      int64_t at = 0;
      presigner_presigned_expires_at(out, &at);
      ok(at == exp, "expires_at is the credentials' expiry under clamp/allow");
      presigner_str url = {0};
      presigner_presigned_url(out, &url);
      ok(strstr(url.data, i == 0 ? "X-Amz-Expires=600&" : "X-Amz-Expires=3600&") != NULL,
         "X-Amz-Expires clamped / kept");
      ok(strstr(url.data, "X-Amz-Security-Token=TOKEN") != NULL, "token in URL");
      presigner_presigned_free(out);
      presigner_s3_free(ts);
      presigner_s3_options_free(so);
    }
    presigner_presign_options_free(t);
    presigner_credentials_free(tc);
  }
  /* 100 NULL_ARGUMENT */
  {
    expect_status(presigner_s3_presign(s3, S("GET"), S("examplebucket"), S("k"), o, NULL),
                  PRESIGNER_STATUS_NULL_ARGUMENT, "NULL out");
    presigner_presigned *out = NULL;
    expect_status(presigner_s3_presign(NULL, S("GET"), S("examplebucket"), S("k"), o, &out),
                  PRESIGNER_STATUS_NULL_ARGUMENT, "NULL handle");
    expect_status(presigner_s3_presign(s3, NULL, 3, S("examplebucket"), S("k"), o, &out),
                  PRESIGNER_STATUS_NULL_ARGUMENT, "NULL string with length");
    expect_status(presigner_presign_options_set_expires_in(NULL, 5),
                  PRESIGNER_STATUS_NULL_ARGUMENT, "NULL setter handle");
    char *m = last_error();
    ok(strstr(m, "NULL") != NULL, "NULL message names the problem");
    free(m);
    size_t n = 0;
    expect_status(presigner_last_error_message(NULL, 10, &n), PRESIGNER_STATUS_NULL_ARGUMENT,
                  "last_error_message NULL buf");
  }
  /* 101 INVALID_UTF8 */
  {
    presigner_presigned *out = NULL;
    expect_status(presigner_s3_presign(s3, S("GET"), S("examplebucket"), S("caf\xc3"), o, &out),
                  PRESIGNER_STATUS_INVALID_UTF8, "invalid utf-8 key");
    char *m = last_error();
    ok(strstr(m, "key") != NULL, "utf-8 message names the argument");
    free(m);
  }
  /* 102 PANIC */
  {
    expect_status(presigner_debug_panic(), PRESIGNER_STATUS_PANIC, "panic caught");
    char *m = last_error();
    ok(strstr(m, "panic") != NULL, "panic message");
    free(m);
  }
  /* 103 BUFFER_TOO_SMALL: nothing written, the message is kept */
  {
    presign_expect(s3, "GET", "examplebucket", "", o, PRESIGNER_STATUS_INVALID_KEY, "empty key");
    size_t len = presigner_last_error_length();
    char small[4] = {'x', 'x', 'x', 'x'};
    size_t n = 77;
    expect_status(presigner_last_error_message(small, sizeof small, &n),
                  PRESIGNER_STATUS_BUFFER_TOO_SMALL, "buffer too small");
    ok(small[0] == 'x' && n == 77, "nothing written when the buffer is too small");
    ok(presigner_last_error_length() == len, "message kept after BUFFER_TOO_SMALL");
    char *buf = malloc(len + 1);
    expect_status(presigner_last_error_message(buf, len + 1, &n), PRESIGNER_STATUS_OK,
                  "exact size buffer");
    ok(n == len && buf[len] == '\0' && strstr(buf, "key") != NULL, "message content");
    free(buf);
  }
  /* 104 INDEX_OUT_OF_RANGE */
  {
    presigner_presigned *out = NULL;
    presigner_s3_presign(s3, S("GET"), S("examplebucket"), S("k"), o, &out);
    presigner_header h;
    presigner_str s;
    expect_status(presigner_presigned_header(out, 0, &h), PRESIGNER_STATUS_INDEX_OUT_OF_RANGE,
                  "header index");
    expect_status(presigner_presigned_signed_header(out, 1, &s),
                  PRESIGNER_STATUS_INDEX_OUT_OF_RANGE, "signed header index");
    presigner_presigned_free(out);
  }
  /* status strings: every value has a code; core codes match the core's */
  {
    ok(strcmp(presigner_status_str(PRESIGNER_STATUS_OK), "ok") == 0, "ok str");
    ok(strcmp(presigner_status_str(PRESIGNER_STATUS_PROFILE_ERROR), "profile_error") == 0,
       "profile_error str");
    ok(strcmp(presigner_status_str(PRESIGNER_STATUS_CREDENTIALS_EXPIRE_BEFORE_URL),
              "credentials_expire_before_url") == 0,
       "long code str");
    ok(strcmp(presigner_status_str(PRESIGNER_STATUS_NULL_ARGUMENT), "null_argument") == 0,
       "null_argument str");
    ok(strcmp(presigner_status_str(98), "unknown_status") == 0, "unknown value str");
    ok(PRESIGNER_STATUS_INVALID_EXPIRY == 1 && PRESIGNER_STATUS_CREDENTIALS_EXPIRE_BEFORE_URL == 17 &&
           PRESIGNER_STATUS_NULL_ARGUMENT == 100 && PRESIGNER_STATUS_PANIC == 102 &&
           PRESIGNER_STATUS_INDEX_OUT_OF_RANGE == 104,
       "fixed numeric values");
    ok(strlen(presigner_version()) > 0, "version");
  }

  presigner_credentials_free(creds);
  presigner_presign_options_free(o);
  presigner_s3_free(s3);
}

/* ---- features ----------------------------------------------------------------------------- */

static void test_s3_features(void) {
  presigner_credentials *c = make_creds(AKID, SECRET, NULL, NULL);
  presigner_s3_options *so = NULL;
  presigner_s3_options_new(&so);
  presigner_s3_options_set_endpoint_url(so, S("http://127.0.0.1:9000"));
  presigner_s3_options_set_addressing_style(so, S("path"));
  presigner_s3 *s3 = NULL;
  expect_status(presigner_s3_new(S("eu-west-1"), c, so, &s3), PRESIGNER_STATUS_OK, "minio s3");
  presigner_s3_options_free(so);
  presigner_credentials_free(c); /* the presigner keeps its own copy */

  presigner_presign_options *o = doc_opts();
  presigner_presign_options_set_expires_in(o, 900);
  presigner_presign_options_add_header(o, S("Content-Type"), S("text/plain"));
  presigner_presign_options_add_header(o, S("x-amz-meta-a"), S("  b  c "));
  presigner_presign_options_add_query(o, S("partNumber"), S("2"));
  presigner_presign_options_set_version_id(o, S("v 1"));
  presigner_presign_options_set_response_override(o, S("content-disposition"),
                                                  S("attachment; filename=\"a b.txt\""));
  presigner_presign_options_set_response_override(o, S("response-cache-control"), S("no-cache"));
  presigner_presigned *p = NULL;
  expect_status(presigner_s3_presign(s3, S("put"), S("my-bucket"), S("dir/a b+c.txt"), o, &p),
                PRESIGNER_STATUS_OK, "presign with every option");
  presigner_presigned_fields f;
  presigner_presigned_get_fields(p, &f);
  const char *u = f.url.data;
  ok(strncmp(u, "http://127.0.0.1:9000/my-bucket/dir/a%20b%2Bc.txt?", 50) == 0, "path style URL");
  ok(strstr(u, "partNumber=2") && strstr(u, "versionId=v%201") &&
         strstr(u, "response-cache-control=no-cache") &&
         strstr(u, "response-content-disposition=attachment%3B%20filename%3D%22a%20b.txt%22") &&
         strstr(u, "X-Amz-Expires=900") &&
         strstr(u, "X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-meta-a"),
     "query parameters in URL");
  expect_str(f.method, "PUT", "presign", "method upper-cased");
  ok(f.signed_at == DOC_NOW && f.expires_at == DOC_NOW + 900, "times");
  ok(f.header_count == 2 && f.signed_header_count == 3, "counts");
  presigner_header h;
  expect_status(presigner_presigned_header(p, 1, &h), PRESIGNER_STATUS_OK, "header 1");
  ok(str_eq(h.name, "x-amz-meta-a") || str_eq(h.name, "Content-Type"), "header name");
  size_t n = 0;
  presigner_presigned_header_count(p, &n);
  ok(n == 2, "header_count accessor");
  presigner_str s;
  presigner_presigned_signed_header(p, 0, &s);
  expect_str(s, "content-type", "presign", "signed header 0");
  presigner_presigned_signed_header_count(p, &n);
  ok(n == 3, "signed_header_count accessor");
  presigner_presigned_method(p, &s);
  expect_str(s, "PUT", "presign", "method accessor");
  int64_t t = 0;
  presigner_presigned_signed_at(p, &t);
  ok(t == DOC_NOW, "signed_at accessor");
  ok(strstr(f.canonical_request.data, "x-amz-meta-a:b c\n") != NULL, "header value trimmed");
  presigner_presigned_free(p);

  /* presign_url_only: the same URL as presign, alone in a list */
  {
    presigner_presigned *full = NULL;
    presigner_url_list *one = NULL;
    expect_status(presigner_s3_presign(s3, S("GET"), S("my-bucket"), S("dir/a b+c.txt"), o, &full),
                  PRESIGNER_STATUS_OK, "presign for url_only");
    expect_status(presigner_s3_presign_url_only(s3, S("GET"), S("my-bucket"), S("dir/a b+c.txt"), o,
                                                &one),
                  PRESIGNER_STATUS_OK, "presign_url_only");
    presigner_str a = {0}, b = {0};
    size_t cnt = 0;
    presigner_presigned_url(full, &a);
    presigner_url_list_count(one, &cnt);
    presigner_url_list_get(one, 0, &b);
    ok(cnt == 1 && a.len == b.len && memcmp(a.data, b.data, a.len) == 0 && b.data[b.len] == '\0',
       "presign_url_only gives presign's URL");
    presigner_url_list *sentinel = (presigner_url_list *)&passed, *bad = sentinel;
    expect_status(presigner_s3_presign_url_only(s3, S("GET"), S("my-bucket"), S(""), o, &bad),
                  PRESIGNER_STATUS_INVALID_KEY, "presign_url_only bad key");
    ok(bad == sentinel, "url_only out untouched");
    presigner_url_list_free(one);
    presigner_presigned_free(full);
  }
  /* presign_many: same signing time, URLs in key order */
  presigner_str keys[3] = {{S("a.txt")}, {S("b.txt")}, {S("c/d.txt")}};
  presigner_url_list *list = NULL;
  expect_status(presigner_s3_presign_many(s3, S("GET"), S("my-bucket"), keys, 3, o, &list),
                PRESIGNER_STATUS_OK, "presign_many");
  presigner_url_list_count(list, &n);
  ok(n == 3, "url list count");
  for (size_t i = 0; i < n; i++) {
    presigner_url_list_get(list, i, &s);
    ok(strstr(s.data, keys[i].data) != NULL, "url i has key i");
  }
  expect_status(presigner_url_list_get(list, 3, &s), PRESIGNER_STATUS_INDEX_OUT_OF_RANGE,
                "url list index");
  presigner_url_list_free(list);
  presigner_str bad[2] = {{S("ok")}, {S("")}};
  list = NULL;
  expect_status(presigner_s3_presign_many(s3, S("GET"), S("my-bucket"), bad, 2, o, &list),
                PRESIGNER_STATUS_INVALID_KEY, "presign_many stops at a bad key");
  ok(list == NULL, "list untouched");
  expect_status(presigner_s3_presign_many(s3, S("GET"), S("my-bucket"), NULL, 0, o, &list),
                PRESIGNER_STATUS_OK, "presign_many of nothing");
  presigner_url_list_count(list, &n);
  ok(n == 0, "empty list");
  presigner_url_list_free(list);
  presigner_presign_options_free(o);
  presigner_s3_free(s3);

  /* flags: dualstack, fips, accelerate, virtual style */
  c = make_creds(AKID, SECRET, NULL, NULL);
  const char *hosts[3] = {"examplebucket.s3.dualstack.us-west-2.amazonaws.com",
                          "examplebucket.s3-fips.us-west-2.amazonaws.com",
                          "examplebucket.s3-accelerate.amazonaws.com"};
  for (int i = 0; i < 3; i++) {
    so = NULL;
    presigner_s3_options_new(&so);
    presigner_s3_options_set_addressing_style(so, S("virtual"));
    if (i == 0) presigner_s3_options_set_dualstack(so, true);
    if (i == 1) presigner_s3_options_set_fips(so, true);
    if (i == 2) presigner_s3_options_set_accelerate(so, true);
    s3 = NULL;
    expect_status(presigner_s3_new(S("us-west-2"), c, so, &s3), PRESIGNER_STATUS_OK, "flag s3");
    p = NULL;
    expect_status(presigner_s3_presign(s3, S("GET"), S("examplebucket"), S("k"), NULL, &p),
                  PRESIGNER_STATUS_OK, "presign with NULL options (clock)");
    presigner_presigned_url(p, &s);
    if (strstr(s.data, hosts[i]) == NULL) fprintf(stderr, "  url: %s\n", s.data);
    ok(strstr(s.data, hosts[i]) != NULL, "flag host");
    presigner_presigned_fields ff;
    presigner_presigned_get_fields(p, &ff);
    ok(ff.expires_at - ff.signed_at == 3600 && ff.signed_at > 1700000000, "default expiry, clock");
    presigner_presigned_free(p);
    presigner_s3_free(s3);
    presigner_s3_options_free(so);
  }
  presigner_credentials_free(c);
}

/* presign_url_into: the URL of presign written into a caller buffer in one call */
static void test_url_into(void) {
  presigner_s3 *s3 = doc_s3();
  const char *key = "dir/a b+c.txt";
  char buf[2048];
  size_t len = 0;

  /* NULL options: expires_in and now as scalars, the same URL as presign with those options */
  presigner_presign_options *o = doc_opts();
  presigner_presign_options_set_expires_in(o, 3600);
  presigner_presigned *full = NULL;
  expect_status(presigner_s3_presign(s3, S("GET"), S("examplebucket"), S(key), o, &full),
                PRESIGNER_STATUS_OK, "presign for url_into");
  presigner_str want = {0};
  presigner_presigned_url(full, &want);
  expect_status(presigner_s3_presign_url_into(s3, S("GET"), S("examplebucket"), S(key), 3600, true,
                                              DOC_NOW, NULL, buf, sizeof buf, &len),
                PRESIGNER_STATUS_OK, "url_into, NULL options");
  ok(len == want.len && memcmp(buf, want.data, len) == 0, "url_into gives presign's URL");

  /* asking for the length: NULL buffer with capacity 0 */
  size_t need = 0;
  expect_status(presigner_s3_presign_url_into(s3, S("GET"), S("examplebucket"), S(key), 3600, true,
                                              DOC_NOW, NULL, NULL, 0, &need),
                PRESIGNER_STATUS_BUFFER_TOO_SMALL, "url_into, NULL buffer of capacity 0");
  ok(need == want.len, "url_into gives the needed length");
  char *m = last_error();
  ok(strstr(m, "buffer too small") != NULL, "url_into BUFFER_TOO_SMALL message");
  free(m);

  /* one byte short: needed length, buffer untouched; the exact size fits */
  memset(buf, 'Z', sizeof buf);
  need = 0;
  expect_status(presigner_s3_presign_url_into(s3, S("GET"), S("examplebucket"), S(key), 3600, true,
                                              DOC_NOW, NULL, buf, want.len - 1, &need),
                PRESIGNER_STATUS_BUFFER_TOO_SMALL, "url_into, one byte short");
  int untouched = 1;
  for (size_t i = 0; i < sizeof buf; i++) untouched &= buf[i] == 'Z';
  ok(need == want.len && untouched, "url_into short: needed length, buffer untouched");
  char *exact = malloc(need);
  if (!exact) abort();
  len = 0;
  expect_status(presigner_s3_presign_url_into(s3, S("GET"), S("examplebucket"), S(key), 3600, true,
                                              DOC_NOW, NULL, exact, need, &len),
                PRESIGNER_STATUS_OK, "url_into, exact size");
  ok(len == want.len && memcmp(exact, want.data, len) == 0, "url_into exact size: the URL");
  free(exact);
  presigner_presigned_free(full);

  /* with options: its headers/query/version/overrides are used, its expires_in/now ignored */
  presigner_presign_options *h = doc_opts();
  presigner_presign_options_set_expires_in(h, 900);
  presigner_presign_options_add_header(h, S("Content-Type"), S("image/jpeg"));
  presigner_presign_options_add_header(h, S("x-amz-meta-owner"), S("alice"));
  presigner_presign_options_add_query(h, S("partNumber"), S("2"));
  presigner_presign_options_set_version_id(h, S("v 1"));
  presigner_presign_options_set_response_override(h, S("cache-control"), S("no-cache"));
  full = NULL;
  expect_status(presigner_s3_presign(s3, S("PUT"), S("examplebucket"), S(key), h, &full),
                PRESIGNER_STATUS_OK, "presign PUT with options for url_into");
  presigner_presigned_url(full, &want);
  len = 0;
  expect_status(presigner_s3_presign_url_into(s3, S("PUT"), S("examplebucket"), S(key), 900, true,
                                              DOC_NOW, h, buf, sizeof buf, &len),
                PRESIGNER_STATUS_OK, "url_into with options");
  ok(len == want.len && memcmp(buf, want.data, len) == 0, "url_into with options: presign's URL");
  presigner_presigned_free(full);
  /* the scalars win over the handle's expires_in and now */
  presigner_presign_options_set_expires_in(h, 60);
  presigner_presign_options_set_now(h, DOC_NOW + 86400);
  full = NULL;
  expect_status(presigner_s3_presign(s3, S("PUT"), S("examplebucket"), S(key), h, &full),
                PRESIGNER_STATUS_OK, "presign PUT, other time");
  presigner_str other = {0};
  presigner_presigned_url(full, &other);
  len = 0;
  expect_status(presigner_s3_presign_url_into(s3, S("PUT"), S("examplebucket"), S(key), 900, true,
                                              DOC_NOW, h, buf, sizeof buf, &len),
                PRESIGNER_STATUS_OK, "url_into, scalars over the handle's fields");
  ok(strstr(other.data, "X-Amz-Expires=60") != NULL &&
         !(len == other.len && memcmp(buf, other.data, len) == 0),
     "url_into ignores the handle's expires_in/now");
  {
    /* the same URL as before the handle's expires_in/now changed */
    presigner_presign_options *h2 = doc_opts();
    presigner_presign_options_set_expires_in(h2, 900);
    presigner_presign_options_add_header(h2, S("Content-Type"), S("image/jpeg"));
    presigner_presign_options_add_header(h2, S("x-amz-meta-owner"), S("alice"));
    presigner_presign_options_add_query(h2, S("partNumber"), S("2"));
    presigner_presign_options_set_version_id(h2, S("v 1"));
    presigner_presign_options_set_response_override(h2, S("cache-control"), S("no-cache"));
    presigner_presigned *again = NULL;
    expect_status(presigner_s3_presign(s3, S("PUT"), S("examplebucket"), S(key), h2, &again),
                  PRESIGNER_STATUS_OK, "presign PUT again");
    presigner_presigned_url(again, &want);
    ok(len == want.len && memcmp(buf, want.data, len) == 0, "url_into: the scalars' URL");
    presigner_presigned_free(again);
    presigner_presign_options_free(h2);
  }
  presigner_presigned_free(full);
  presigner_presign_options_free(h);

  /* the system clock when has_now is false (now_unix ignored) */
  len = 0;
  expect_status(presigner_s3_presign_url_into(s3, S("GET"), S("examplebucket"), S(key), 3600, false,
                                              DOC_NOW, NULL, buf, sizeof buf, &len),
                PRESIGNER_STATUS_OK, "url_into, the clock");
  ok(len > 0 && len < sizeof buf, "url_into clock length");
  buf[len < sizeof buf ? len : sizeof buf - 1] = '\0';
  ok(strstr(buf, "X-Amz-Date=2013") == NULL && strstr(buf, "X-Amz-Expires=3600") != NULL,
     "url_into clock: not the fixed time");

  /* failures: status, message, outputs untouched */
  const size_t sentinel = 4242;
  struct {
    presigner_status want;
    const char *what, *method, *bucket, *key;
    size_t key_len;
    int64_t expires_in, now;
  } bad[] = {
      {PRESIGNER_STATUS_INVALID_KEY, "url_into empty key", "GET", "examplebucket", "", 0, 3600,
       DOC_NOW},
      {PRESIGNER_STATUS_INVALID_BUCKET, "url_into bad bucket", "GET", "Bad_Bucket", "k", 1, 3600,
       DOC_NOW},
      {PRESIGNER_STATUS_INVALID_METHOD, "url_into bad method", "G T", "examplebucket", "k", 1, 3600,
       DOC_NOW},
      {PRESIGNER_STATUS_INVALID_EXPIRY, "url_into expiry 0", "GET", "examplebucket", "k", 1, 0,
       DOC_NOW},
      {PRESIGNER_STATUS_INVALID_EXPIRY, "url_into expiry 7 days + 1 s", "GET", "examplebucket",
       "k", 1, 604801, DOC_NOW},
      {PRESIGNER_STATUS_INVALID_TIME, "url_into time before 1970", "GET", "examplebucket", "k", 1,
       3600, -1},
      {PRESIGNER_STATUS_INVALID_UTF8, "url_into key not UTF-8", "GET", "examplebucket", "a\xff", 2,
       3600, DOC_NOW},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    memset(buf, 'Z', 16);
    len = sentinel;
    expect_status(presigner_s3_presign_url_into(s3, S(bad[i].method), S(bad[i].bucket), bad[i].key,
                                                bad[i].key_len, bad[i].expires_in, true, bad[i].now,
                                                NULL, buf, sizeof buf, &len),
                  bad[i].want, bad[i].what);
    ok(len == sentinel && buf[0] == 'Z' && buf[15] == 'Z', "url_into failure: outputs untouched");
    ok(presigner_last_error_length() > 0, "url_into failure has a message");
  }
  len = sentinel;
  expect_status(presigner_s3_presign_url_into(NULL, S("GET"), S("examplebucket"), S("k"), 3600, true,
                                              DOC_NOW, NULL, buf, sizeof buf, &len),
                PRESIGNER_STATUS_NULL_ARGUMENT, "url_into NULL s3");
  expect_status(presigner_s3_presign_url_into(s3, S("GET"), S("examplebucket"), S("k"), 3600, true,
                                              DOC_NOW, NULL, NULL, 10, &len),
                PRESIGNER_STATUS_NULL_ARGUMENT, "url_into NULL buffer with capacity");
  expect_status(presigner_s3_presign_url_into(s3, S("GET"), S("examplebucket"), S("k"), 3600, true,
                                              DOC_NOW, NULL, buf, sizeof buf, NULL),
                PRESIGNER_STATUS_NULL_ARGUMENT, "url_into NULL url_len");
  expect_status(presigner_s3_presign_url_into(s3, NULL, 3, S("examplebucket"), S("k"), 3600, true,
                                              DOC_NOW, NULL, buf, sizeof buf, &len),
                PRESIGNER_STATUS_NULL_ARGUMENT, "url_into NULL method with a length");
  ok(len == sentinel, "url_into NULL arguments: url_len untouched");

  presigner_presign_options_free(o);
  presigner_s3_free(s3);
}

/* Little-endian 64-bit word i of a presigner_presigned_fields_into buffer. */
static uint64_t word_at(const unsigned char *b, size_t i) {
  uint64_t v = 0;
  for (int k = 7; k >= 0; k--) v = (v << 8) | b[i * 8 + (size_t)k];
  return v;
}

/* Checks a presigner_presigned_fields_into buffer against the single-field accessors. */
static void expect_fields_layout(const presigner_presigned *p, const unsigned char *b, size_t len,
                                 const char *what) {
  presigner_presigned_fields f;
  expect_status(presigner_presigned_get_fields(p, &f), PRESIGNER_STATUS_OK, "get_fields");
  size_t h = f.header_count, n = f.signed_header_count;
  size_t words = PRESIGNER_PRESIGNED_FIELDS_WORDS + 2 * h + n;
  int good = len >= words * 8 && (int64_t)word_at(b, 0) == f.signed_at &&
             (int64_t)word_at(b, 1) == f.expires_at && word_at(b, 2) == h && word_at(b, 3) == n;
  size_t at = words * 8, w = 4;
  presigner_str want[5] = {f.url, f.method, f.signature, f.canonical_request, f.string_to_sign};
  for (size_t i = 0; good && i < 5 + 2 * h + n; i++, w++) {
    presigner_str s;
    if (i < 5) {
      s = want[i];
    } else if (i < 5 + 2 * h) {
      presigner_header hd;
      presigner_presigned_header(p, (i - 5) / 2, &hd);
      s = (i - 5) % 2 == 0 ? hd.name : hd.value;
    } else {
      presigner_presigned_signed_header(p, i - 5 - 2 * h, &s);
    }
    size_t l = (size_t)word_at(b, w);
    good = l == s.len && at + l <= len && memcmp(b + at, s.data, l) == 0;
    at += l;
  }
  good = good && at == len;
  ok(good, what);
}

/* presign_options_new_packed and presigned_fields_into */
static void test_packed(void) {
  presigner_s3 *s3 = doc_s3();
  const char *key = "dir/a b+c.txt";
  /* the reference: one setter per field */
  presigner_presign_options *o = doc_opts();
  presigner_presign_options_set_expires_in(o, 900);
  presigner_presign_options_add_header(o, S("Content-Type"), S("image/jpeg"));
  presigner_presign_options_add_header(o, S("x-amz-meta-owner"), S("alice"));
  presigner_presign_options_add_query(o, S("partNumber"), S("2"));
  presigner_presign_options_set_version_id(o, S("v 1"));
  presigner_presign_options_set_response_override(o, S("content-disposition"), S("inline"));
  presigner_presign_options_set_response_override(o, S("expires"), S("0"));
  presigner_presigned *ref = NULL;
  expect_status(presigner_s3_presign(s3, S("PUT"), S("examplebucket"), S(key), o, &ref),
                PRESIGNER_STATUS_OK, "presign with setter-built options");

  /* the same options packed */
  const char strings[] = "Content-Typeimage/jpegx-amz-meta-owneralicepartNumber2v 1inline0";
  size_t lens[2 * 3 + PRESIGNER_PACKED_OPTIONAL_FIELDS] = {12, 10, 16, 5, 10, 1, 3, 0, 6, 0, 0, 0, 1};
  presigner_presign_options *packed = NULL;
  expect_status(presigner_presign_options_new_packed(900, true, DOC_NOW, strings, strlen(strings),
                                                     lens, 13, 2, 1, &packed),
                PRESIGNER_STATUS_OK, "new_packed");
  presigner_presigned *got = NULL;
  expect_status(presigner_s3_presign(s3, S("PUT"), S("examplebucket"), S(key), packed, &got),
                PRESIGNER_STATUS_OK, "presign with packed options");
  presigner_str a, b;
  presigner_presigned_url(ref, &a);
  presigner_presigned_url(got, &b);
  ok(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "packed options: the setters' URL");
  presigner_presigned_free(got);

  /* nothing but the scalars; has_now false is the clock */
  presigner_presign_options *bare = NULL;
  size_t none[PRESIGNER_PACKED_OPTIONAL_FIELDS] = {0};
  expect_status(presigner_presign_options_new_packed(60, false, 0, NULL, 0, none, 7, 0, 0, &bare),
                PRESIGNER_STATUS_OK, "new_packed with no strings");
  got = NULL;
  expect_status(presigner_s3_presign(s3, S("GET"), S("examplebucket"), S(key), bare, &got),
                PRESIGNER_STATUS_OK, "presign with bare packed options");
  presigner_presigned_fields ff;
  presigner_presigned_get_fields(got, &ff);
  ok(ff.expires_at - ff.signed_at == 60 && ff.signed_at > 1700000000 && ff.header_count == 0,
     "bare packed options: expires_in, the clock");
  presigner_presigned_free(got);
  presigner_presign_options_free(bare);

  /* packed failures: out untouched */
  presigner_presign_options *sentinel = (presigner_presign_options *)&passed, *out = sentinel;
  expect_status(presigner_presign_options_new_packed(900, true, DOC_NOW, strings, strlen(strings),
                                                     lens, 12, 2, 1, &out),
                PRESIGNER_STATUS_INVALID_OPTION, "new_packed: wrong lens_len");
  expect_status(presigner_presign_options_new_packed(900, true, DOC_NOW, strings,
                                                     strlen(strings) - 1, lens, 13, 2, 1, &out),
                PRESIGNER_STATUS_INVALID_OPTION, "new_packed: lengths exceed the strings");
  expect_status(presigner_presign_options_new_packed(900, true, DOC_NOW, strings,
                                                     strlen(strings) + 1, lens, 13, 2, 1, &out),
                PRESIGNER_STATUS_INVALID_OPTION, "new_packed: strings left over");
  expect_status(presigner_presign_options_new_packed(900, true, DOC_NOW, "\xff" "b", 2,
                                                     (size_t[]){1, 1, 0, 0, 0, 0, 0, 0, 0}, 9, 1,
                                                     0, &out),
                PRESIGNER_STATUS_INVALID_UTF8, "new_packed: header name not UTF-8");
  expect_status(presigner_presign_options_new_packed(900, true, DOC_NOW, NULL, 3, none, 7, 0, 0,
                                                     &out),
                PRESIGNER_STATUS_NULL_ARGUMENT, "new_packed: NULL strings with a length");
  expect_status(presigner_presign_options_new_packed(900, true, DOC_NOW, NULL, 0, NULL, 7, 0, 0,
                                                     &out),
                PRESIGNER_STATUS_NULL_ARGUMENT, "new_packed: NULL lens with a count");
  expect_status(presigner_presign_options_new_packed(900, true, DOC_NOW, NULL, 0, none, 7, 0, 0,
                                                     NULL),
                PRESIGNER_STATUS_NULL_ARGUMENT, "new_packed: NULL out");
  expect_status(presigner_presign_options_new_packed(900, true, DOC_NOW, NULL, 0, none, 7,
                                                     SIZE_MAX / 2, SIZE_MAX / 2, &out),
                PRESIGNER_STATUS_INVALID_OPTION, "new_packed: overflowing counts");
  ok(out == sentinel, "new_packed failures: out untouched");
  /* an invalid header is accepted here and refused when presigning, as with add_header */
  presigner_presign_options *badh = NULL;
  expect_status(presigner_presign_options_new_packed(900, true, DOC_NOW, "a b1", 4,
                                                     (size_t[]){3, 1, 0, 0, 0, 0, 0, 0, 0}, 9, 1,
                                                     0, &badh),
                PRESIGNER_STATUS_OK, "new_packed: header checked later");
  got = NULL;
  expect_status(presigner_s3_presign(s3, S("PUT"), S("examplebucket"), S(key), badh, &got),
                PRESIGNER_STATUS_INVALID_HEADER, "presign with a packed bad header");
  presigner_presign_options_free(badh);

  /* fields_into: the layout, the needed length, the buffer untouched when short */
  size_t need = 0;
  expect_status(presigner_presigned_fields_into(ref, NULL, 0, &need),
                PRESIGNER_STATUS_BUFFER_TOO_SMALL, "fields_into: length query");
  unsigned char *buf = malloc(need + 16);
  if (!buf) abort();
  memset(buf, 0xAB, need + 16);
  size_t len = 0;
  expect_status(presigner_presigned_fields_into(ref, (char *)buf, need - 1, &len),
                PRESIGNER_STATUS_BUFFER_TOO_SMALL, "fields_into: one byte short");
  int untouched = 1;
  for (size_t i = 0; i < need + 16; i++) untouched &= buf[i] == 0xAB;
  ok(len == need && untouched, "fields_into short: needed length, buffer untouched");
  len = 0;
  expect_status(presigner_presigned_fields_into(ref, (char *)buf, need + 16, &len),
                PRESIGNER_STATUS_OK, "fields_into");
  ok(len == need && buf[need] == 0xAB, "fields_into writes exactly len bytes");
  expect_fields_layout(ref, buf, len, "fields_into layout (PUT, 2 headers, 3 signed)");
  free(buf);
  size_t sentinel_len = 77;
  char small[8];
  expect_status(presigner_presigned_fields_into(NULL, small, sizeof small, &sentinel_len),
                PRESIGNER_STATUS_NULL_ARGUMENT, "fields_into NULL presigned");
  expect_status(presigner_presigned_fields_into(ref, NULL, 8, &sentinel_len),
                PRESIGNER_STATUS_NULL_ARGUMENT, "fields_into NULL buffer with capacity");
  expect_status(presigner_presigned_fields_into(ref, small, sizeof small, NULL),
                PRESIGNER_STATUS_NULL_ARGUMENT, "fields_into NULL len");
  ok(sentinel_len == 77, "fields_into NULL arguments: len untouched");

  /* presign_fields_into: presign + fields_into in one call, byte for byte */
  {
    need = 0;
    presigner_presigned_fields_into(ref, NULL, 0, &need);
    unsigned char *want = malloc(need), *one = malloc(need + 8);
    if (!want || !one) abort();
    presigner_presigned_fields_into(ref, (char *)want, need, &len);
    size_t need2 = 0;
    expect_status(presigner_s3_presign_fields_into(s3, S("PUT"), S("examplebucket"), S(key), o, NULL,
                                                   0, &need2),
                  PRESIGNER_STATUS_BUFFER_TOO_SMALL, "presign_fields_into: length query");
    ok(need2 == need, "presign_fields_into: needed length");
    memset(one, 0xCD, need + 8);
    len = 0;
    expect_status(presigner_s3_presign_fields_into(s3, S("PUT"), S("examplebucket"), S(key), o,
                                                   (char *)one, need - 1, &len),
                  PRESIGNER_STATUS_BUFFER_TOO_SMALL, "presign_fields_into: one byte short");
    untouched = 1;
    for (size_t i = 0; i < need + 8; i++) untouched &= one[i] == 0xCD;
    ok(len == need && untouched, "presign_fields_into short: needed length, buffer untouched");
    len = 0;
    expect_status(presigner_s3_presign_fields_into(s3, S("PUT"), S("examplebucket"), S(key), o,
                                                   (char *)one, need + 8, &len),
                  PRESIGNER_STATUS_OK, "presign_fields_into");
    ok(len == need && memcmp(one, want, need) == 0 && one[need] == 0xCD,
       "presign_fields_into: the bytes of presign + fields_into");
    size_t keep = 99;
    memset(one, 0xCD, 8);
    expect_status(presigner_s3_presign_fields_into(s3, S("PUT"), S("examplebucket"), S(""), o,
                                                   (char *)one, need + 8, &keep),
                  PRESIGNER_STATUS_INVALID_KEY, "presign_fields_into: bad key");
    expect_status(presigner_s3_presign_fields_into(s3, S("PUT"), S("examplebucket"), S(key), NULL,
                                                   (char *)one, need + 8, NULL),
                  PRESIGNER_STATUS_NULL_ARGUMENT, "presign_fields_into: NULL len");
    expect_status(presigner_s3_presign_fields_into(NULL, S("PUT"), S("examplebucket"), S(key), o,
                                                   (char *)one, need + 8, &keep),
                  PRESIGNER_STATUS_NULL_ARGUMENT, "presign_fields_into: NULL s3");
    expect_status(presigner_s3_presign_fields_into(s3, S("PUT"), S("examplebucket"), S(key), o, NULL,
                                                   4, &keep),
                  PRESIGNER_STATUS_NULL_ARGUMENT, "presign_fields_into: NULL buffer with capacity");
    ok(keep == 99 && one[0] == 0xCD, "presign_fields_into failures: outputs untouched");
    /* NULL options: the clock and 3600 s */
    len = 0;
    expect_status(presigner_s3_presign_fields_into(s3, S("GET"), S("examplebucket"), S(key), NULL,
                                                   (char *)one, need + 8, &len),
                  PRESIGNER_STATUS_OK, "presign_fields_into, NULL options");
    ok(len >= 8 * PRESIGNER_PRESIGNED_FIELDS_WORDS &&
           (int64_t)(word_at(one, 1) - word_at(one, 0)) == 3600 &&
           (int64_t)word_at(one, 0) > 1700000000 && word_at(one, 2) == 0 && word_at(one, 3) == 1,
       "presign_fields_into, NULL options: clock, 3600 s, host only");
    /* presign_packed_fields_into: the same request with the options packed, no handle */
    len = 0;
    memset(one, 0xCD, need + 8);
    expect_status(presigner_s3_presign_packed_fields_into(
                      s3, S("PUT"), S("examplebucket"), S(key), 900, true, DOC_NOW, strings,
                      strlen(strings), lens, 13, 2, 1, (char *)one, need + 8, &len),
                  PRESIGNER_STATUS_OK, "presign_packed_fields_into");
    ok(len == need && memcmp(one, want, need) == 0 && one[need] == 0xCD,
       "presign_packed_fields_into: the bytes of presign + fields_into");
    keep = 99;
    memset(one, 0xCD, 8);
    expect_status(presigner_s3_presign_packed_fields_into(
                      s3, S("PUT"), S("examplebucket"), S(key), 900, true, DOC_NOW, strings,
                      strlen(strings), lens, 13, 2, 1, (char *)one, need - 1, &keep),
                  PRESIGNER_STATUS_BUFFER_TOO_SMALL, "presign_packed_fields_into: one byte short");
    ok(keep == need && one[0] == 0xCD, "presign_packed_fields_into short: needed length, untouched");
    keep = 99;
    expect_status(presigner_s3_presign_packed_fields_into(
                      s3, S("PUT"), S("examplebucket"), S(key), 900, true, DOC_NOW, strings,
                      strlen(strings), lens, 12, 2, 1, (char *)one, need + 8, &keep),
                  PRESIGNER_STATUS_INVALID_OPTION, "presign_packed_fields_into: wrong lens_len");
    expect_status(presigner_s3_presign_packed_fields_into(
                      s3, S("PUT"), S("examplebucket"), S(key), 0, true, DOC_NOW, strings,
                      strlen(strings), lens, 13, 2, 1, (char *)one, need + 8, &keep),
                  PRESIGNER_STATUS_INVALID_EXPIRY, "presign_packed_fields_into: expires_in 0");
    expect_status(presigner_s3_presign_packed_fields_into(
                      s3, S("PUT"), S("examplebucket"), S(key), 900, true, DOC_NOW, strings,
                      strlen(strings), lens, 13, 2, 1, (char *)one, need + 8, NULL),
                  PRESIGNER_STATUS_NULL_ARGUMENT, "presign_packed_fields_into: NULL len");
    ok(keep == 99 && one[0] == 0xCD, "presign_packed_fields_into failures: outputs untouched");
    free(want);
    free(one);
  }
  presigner_presigned_free(ref);

  /* a GET with a session token: no headers to send, host signed */
  presigner_credentials *c = make_creds(AKID, SECRET, "a-session-token/+=", NULL);
  presigner_s3 *ts = NULL;
  expect_status(presigner_s3_new(S("us-east-1"), c, NULL, &ts), PRESIGNER_STATUS_OK, "token s3");
  presigner_credentials_free(c);
  ref = NULL;
  expect_status(presigner_s3_presign(ts, S("GET"), S("examplebucket"), S(key), packed, &ref),
                PRESIGNER_STATUS_OK, "token presign");
  need = 0;
  presigner_presigned_fields_into(ref, NULL, 0, &need);
  buf = malloc(need);
  if (!buf) abort();
  expect_status(presigner_presigned_fields_into(ref, (char *)buf, need, &len), PRESIGNER_STATUS_OK,
                "fields_into token GET");
  expect_fields_layout(ref, buf, len, "fields_into layout (token GET)");
  free(buf);
  presigner_presigned_free(ref);
  presigner_s3_free(ts);

  presigner_presign_options_free(packed);
  presigner_presign_options_free(o);
  presigner_s3_free(s3);
}

static void test_sign_request_features(void) {
  presigner_credentials *c = make_creds(AKID, SECRET, "SESSIONTOKEN", NULL);
  presigner_signing_params *p = NULL;
  presigner_signing_params_new(S("us-east-1"), S("s3"), &p);
  presigner_signing_params_set_now(p, DOC_NOW);
  presigner_header hs[2] = {{{S("Range")}, {S("bytes=0-9")}}, {{S("User-Agent")}, {S("x")}}};
  presigner_signed *out = NULL;
  const char *body = "hello";
  expect_status(presigner_sign_request(S("GET"), S("https://examplebucket.s3.amazonaws.com/k"),
                                       hs, 2, (const uint8_t *)body, 5, c, p, &out),
                PRESIGNER_STATUS_OK, "sign_request s3");
  size_t n = 0;
  presigner_signed_header_count(out, &n);
  ok(n == 4, "adds date, content sha, token, authorization");
  int found_auth = 0;
  for (size_t i = 0; i < n; i++) {
    presigner_header h;
    presigner_signed_header(out, i, &h);
    if (str_eq(h.name, "Authorization")) {
      presigner_str a;
      presigner_signed_authorization(out, &a);
      found_auth = h.value.len == a.len && memcmp(h.value.data, a.data, a.len) == 0;
    }
  }
  ok(found_auth, "Authorization header equals authorization accessor");
  presigner_str s;
  presigner_signed_signed_header_count(out, &n);
  ok(n == 5, "signed: host range x-amz-content-sha256 x-amz-date x-amz-security-token");
  presigner_signed_signed_header(out, 0, &s);
  expect_str(s, "host", "sign_request", "first signed header");
  int64_t t = 0;
  presigner_signed_signed_at(out, &t);
  ok(t == DOC_NOW, "signed_at");
  expect_status(presigner_signed_header(out, 99, NULL), PRESIGNER_STATUS_NULL_ARGUMENT,
                "NULL header out");
  presigner_signed_free(out);
  /* omit the session token from the signature (still sent) */
  presigner_signing_params_set_omit_session_token(p, true);
  presigner_signing_params_set_content_sha256_header(p, false);
  out = NULL;
  expect_status(presigner_sign_request(S("GET"), S("https://examplebucket.s3.amazonaws.com/k"),
                                       NULL, 0, NULL, 0, c, p, &out),
                PRESIGNER_STATUS_OK, "sign_request omit token");
  presigner_signed_signed_header_count(out, &n);
  ok(n == 2, "only host and x-amz-date signed");
  presigner_signed_free(out);
  presigner_signing_params_free(p);

  /* presign_url with omitted token appends it after signing */
  p = NULL;
  presigner_signing_params_new(S("us-east-1"), S("iotdevicegateway"), &p);
  presigner_signing_params_set_now(p, DOC_NOW);
  presigner_signing_params_set_omit_session_token(p, true);
  presigner_signing_params_set_expiry_policy(p, S("allow"));
  presigner_presigned *pr = NULL;
  expect_status(presigner_presign_url(S("GET"), S("https://example.iot.us-east-1.amazonaws.com/mqtt"),
                                      c, p, NULL, &pr),
                PRESIGNER_STATUS_OK, "presign_url iot");
  presigner_presigned_url(pr, &s);
  ok(strstr(s.data, "&X-Amz-Security-Token=SESSIONTOKEN&X-Amz-Signature=") != NULL,
     "token appended after signing");
  presigner_presigned_canonical_request(pr, &s);
  ok(strstr(s.data, "Security-Token") == NULL, "token not in canonical request");
  presigner_presigned_free(pr);
  presigner_signing_params_free(p);
  presigner_credentials_free(c);
}

/* ---- verification ------------------------------------------------------------------------- */

static presigner_keyring *keyring_of(const char *akid, const char *secret, const char *token) {
  presigner_keyring *k = NULL;
  expect_status(presigner_keyring_new(&k), PRESIGNER_STATUS_OK, "keyring_new");
  expect_status(presigner_keyring_add(k, S(akid), S(secret), token, token ? strlen(token) : 0),
                PRESIGNER_STATUS_OK, "keyring_add");
  return k;
}

static presigner_verify_options *verify_opts_at(int64_t now) {
  presigner_verify_options *o = NULL;
  expect_status(presigner_verify_options_new(&o), PRESIGNER_STATUS_OK, "verify_options_new");
  presigner_verify_options_set_now(o, now);
  return o;
}

/* verify_presigned of (method, url, headers); checks the status and, on failure, that out is
 * untouched and a message is recorded. Returns the result on success (caller frees). */
static presigner_verified *verify_expect(const char *method, const char *url,
                                         const presigner_header *hs, size_t n,
                                         const presigner_keyring *k,
                                         const presigner_verify_options *o,
                                         presigner_status want, const char *what) {
  presigner_verified *sentinel = (presigner_verified *)&failed; /* never dereferenced */
  presigner_verified *out = sentinel;
  presigner_status st = presigner_verify_presigned(S(method), S(url), hs, n, k, o, &out);
  expect_status(st, want, what);
  if (st != PRESIGNER_STATUS_OK) {
    ok(out == sentinel, "verified out untouched on failure");
    char *m = last_error();
    ok(strlen(m) > 0, "a verification failure has a message");
    free(m);
    return NULL;
  }
  return out;
}

static void test_verify_suite(void) {
  size_t n = sizeof VECTORS / sizeof VECTORS[0], checked = 0, roundtrips = 0;
  int before = failed;
  for (size_t i = 0; i < n; i++) {
    const vector *v = &VECTORS[i];
    if (v->mode == VHEADER) continue;
    presigner_signing_params *p = v->mode == VQUERY ? vector_params(v) : NULL;
    presigner_verify_options *o = verify_opts_at(v->now + 1);
    if (p) presigner_verify_options_set_settings(o, p);
    presigner_keyring *right = keyring_of(v->akid, v->secret, NULL);
    presigner_keyring *wrong = keyring_of(v->akid, "not-the-secret", NULL);
    if (v->sr_url) {
      presigner_header hs[VECTOR_MAX_SR_HEADERS];
      for (size_t j = 0; j < v->sr_header_count; j++) {
        hs[j] = (presigner_header){{S(v->sr_headers[j].name)}, {S(v->sr_headers[j].value)}};
      }
      presigner_verified *r = verify_expect(v->sr_method, v->sr_url, hs, v->sr_header_count,
                                            right, o, PRESIGNER_STATUS_OK, v->name);
      if (r) {
        presigner_str s = {0};
        presigner_verified_access_key_id(r, &s);
        expect_str(s, v->akid, v->name, "verified access key id");
        presigner_verified_region(r, &s);
        expect_str(s, v->region, v->name, "verified region");
        presigner_verified_service(r, &s);
        expect_str(s, v->service, v->name, "verified service");
        int64_t at = 0, until = 0;
        presigner_verified_signed_at(r, &at);
        presigner_verified_expires_at(r, &until);
        ok(at == v->now && until == v->now + v->expires_in, "verified times");
      }
      presigner_verified_free(r);
      verify_expect(v->sr_method, v->sr_url, hs, v->sr_header_count, wrong, o,
                    PRESIGNER_STATUS_SIGNATURE_MISMATCH, v->name);
      checked++;
    }
    /* and the URL the C API itself makes for the case verifies too */
    if (v->exp_url) {
      presigner_header hs[VECTOR_MAX_HEADERS];
      for (size_t j = 0; j < v->header_count; j++) {
        hs[j] = (presigner_header){{S(v->headers[j].name)}, {S(v->headers[j].value)}};
      }
      presigner_verified *r = verify_expect(v->method, v->exp_url, hs, v->header_count, right, o,
                                            PRESIGNER_STATUS_OK, v->name);
      presigner_verified_free(r);
      verify_expect(v->method, v->exp_url, hs, v->header_count, wrong, o,
                    PRESIGNER_STATUS_SIGNATURE_MISMATCH, v->name);
      roundtrips++;
    }
    presigner_keyring_free(right);
    presigner_keyring_free(wrong);
    presigner_verify_options_free(o);
    presigner_signing_params_free(p);
  }
  ok(checked == 38, "38 query cases of the signing suite verified");
  printf("verify: %zu signing-suite query cases and %zu expected URLs verify with the right "
         "secret and fail with a wrong one%s\n",
         checked, roundtrips, failed == before ? "" : " (FAILURES)");
}

/* A presigned URL of examplebucket/key at DOC_NOW; headers given as name/value pairs. */
static char *doc_url(const char *method, const char *token, int64_t expires_in, const char *hname,
                     const char *hvalue) {
  presigner_credentials *c = make_creds(AKID, SECRET, token, NULL);
  presigner_s3 *s3 = NULL;
  presigner_s3_new(S("us-east-1"), c, NULL, &s3);
  presigner_presign_options *o = doc_opts();
  presigner_presign_options_set_expires_in(o, expires_in);
  if (hname) presigner_presign_options_add_header(o, S(hname), S(hvalue));
  presigner_presigned *p = NULL;
  expect_status(presigner_s3_presign(s3, S(method), S("examplebucket"), S("dir/a b.txt"), o, &p),
                PRESIGNER_STATUS_OK, "doc_url");
  presigner_str u = {0};
  presigner_presigned_url(p, &u);
  char *url = strdup(u.data);
  presigner_presigned_free(p);
  presigner_presign_options_free(o);
  presigner_s3_free(s3);
  presigner_credentials_free(c);
  return url;
}

/* url with the first occurrence of `from` replaced by `to` (caller frees). */
static char *replace(const char *url, const char *from, const char *to) {
  const char *at = strstr(url, from);
  if (!at) {
    fprintf(stderr, "replace: %s not in %s\n", from, url);
    abort();
  }
  size_t pre = (size_t)(at - url), n = strlen(url) - strlen(from) + strlen(to) + 1;
  char *out = malloc(n);
  if (!out) abort();
  memcpy(out, url, pre);
  strcpy(out + pre, to);
  strcat(out, at + strlen(from));
  return out;
}

static char *append(const char *url, const char *tail) {
  char *out = malloc(strlen(url) + strlen(tail) + 1);
  if (!out) abort();
  strcpy(out, url);
  strcat(out, tail);
  return out;
}

typedef struct {
  int calls;
  presigner_status made;
} lookup_state;

/* A C lookup: knows AKID (SECRET) only; also frees nothing on a miss but leaves *out NULL. */
static bool test_lookup(void *user_data, const char *akid, size_t len,
                        presigner_credentials **out) {
  lookup_state *st = user_data;
  st->calls++;
  if (len == strlen(AKID) && memcmp(akid, AKID, len) == 0) {
    st->made = presigner_credentials_new(S(AKID), S(SECRET), NULL, 0, NULL, out);
    return st->made == PRESIGNER_STATUS_OK;
  }
  if (len == 4 && memcmp(akid, "LEAK", 4) == 0) {
    /* a miss that still hands over credentials: the library must free them */
    presigner_credentials_new(S("LEAK"), S("x"), NULL, 0, NULL, out);
    return false;
  }
  return false;
}

static void test_verify_statuses(void) {
  const int64_t T = DOC_NOW + 10;
  presigner_keyring *k = keyring_of(AKID, SECRET, NULL);
  presigner_verify_options *o = verify_opts_at(T);
  char *url = doc_url("GET", NULL, 3600, NULL, NULL);
  presigner_verified *r = NULL;

  /* success, with every accessor */
  r = verify_expect("GET", url, NULL, 0, k, o, PRESIGNER_STATUS_OK, "verify doc url");
  if (r) {
    presigner_str s = {0};
    size_t n = 0;
    int64_t t = 0;
    presigner_verified_access_key_id(r, &s);
    expect_str(s, AKID, "verified", "access key id");
    presigner_verified_region(r, &s);
    expect_str(s, "us-east-1", "verified", "region");
    presigner_verified_service(r, &s);
    expect_str(s, "s3", "verified", "service");
    presigner_verified_signed_header_count(r, &n);
    ok(n == 1, "one signed header");
    presigner_verified_signed_header(r, 0, &s);
    expect_str(s, "host", "verified", "signed header 0");
    expect_status(presigner_verified_signed_header(r, 1, &s), PRESIGNER_STATUS_INDEX_OUT_OF_RANGE,
                  "verified signed header index");
    presigner_verified_signed_at(r, &t);
    ok(t == DOC_NOW, "verified signed_at");
    presigner_verified_expires_at(r, &t);
    ok(t == DOC_NOW + 3600, "verified expires_at");
    expect_status(presigner_verified_expires_at(r, NULL), PRESIGNER_STATUS_NULL_ARGUMENT,
                  "verified NULL out");
  }
  presigner_verified_free(r);
  /* NULL options: the clock, long after DOC_NOW → expired */
  verify_expect("GET", url, NULL, 0, k, NULL, PRESIGNER_STATUS_REQUEST_EXPIRED, "NULL options");

  /* 1 INVALID_EXPIRY (X-Amz-Expires out of range) */
  char *x = replace(url, "X-Amz-Expires=3600", "X-Amz-Expires=604801");
  verify_expect("GET", x, NULL, 0, k, o, PRESIGNER_STATUS_INVALID_EXPIRY, "X-Amz-Expires 604801");
  free(x);
  /* 8 INVALID_URL */
  verify_expect("GET", "not a url", NULL, 0, k, o, PRESIGNER_STATUS_MALFORMED_REQUEST, "bad url");
  /* 18 UNSUPPORTED_ALGORITHM */
  x = replace(url, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512");
  verify_expect("GET", x, NULL, 0, k, o, PRESIGNER_STATUS_UNSUPPORTED_ALGORITHM, "algorithm");
  free(x);
  /* 19 MALFORMED_REQUEST: no signature; a date that is not a date; no auth at all */
  x = replace(url, "X-Amz-Signature=", "X-Amz-Signaturf=");
  verify_expect("GET", x, NULL, 0, k, o, PRESIGNER_STATUS_MALFORMED_REQUEST, "no signature");
  free(x);
  x = replace(url, "X-Amz-Date=20130524T000000Z", "X-Amz-Date=20130524T000000");
  verify_expect("GET", x, NULL, 0, k, o, PRESIGNER_STATUS_MALFORMED_REQUEST, "bad date");
  free(x);
  verify_expect("GET", "https://examplebucket.s3.amazonaws.com/k", NULL, 0, k, o,
                PRESIGNER_STATUS_MALFORMED_REQUEST, "unsigned url");
  /* 20 INVALID_CREDENTIAL_SCOPE: terminator, and a scope day that is not X-Amz-Date's */
  x = replace(url, "aws4_request", "aws5_request");
  verify_expect("GET", x, NULL, 0, k, o, PRESIGNER_STATUS_INVALID_CREDENTIAL_SCOPE, "terminator");
  free(x);
  x = replace(url, "%2F20130524%2F", "%2F20130525%2F");
  verify_expect("GET", x, NULL, 0, k, o, PRESIGNER_STATUS_INVALID_CREDENTIAL_SCOPE, "scope day");
  free(x);
  /* 21 SCOPE_MISMATCH: region, then service */
  {
    presigner_verify_options *m = verify_opts_at(T);
    expect_status(presigner_verify_options_set_region(m, S("eu-west-1")), PRESIGNER_STATUS_OK,
                  "set_region");
    verify_expect("GET", url, NULL, 0, k, m, PRESIGNER_STATUS_SCOPE_MISMATCH, "region");
    presigner_verify_options_set_region(m, S("us-east-1"));
    presigner_verify_options_set_service(m, S("sts"));
    verify_expect("GET", url, NULL, 0, k, m, PRESIGNER_STATUS_SCOPE_MISMATCH, "service");
    presigner_verify_options_set_service(m, S("s3"));
    presigner_verified_free(
        verify_expect("GET", url, NULL, 0, k, m, PRESIGNER_STATUS_OK, "expected region+service"));
    presigner_verify_options_set_region(m, NULL, 0);
    presigner_verify_options_set_service(m, NULL, 0);
    presigner_verified_free(
        verify_expect("GET", url, NULL, 0, k, m, PRESIGNER_STATUS_OK, "region/service cleared"));
    /* 12 INVALID_OPTION */
    expect_status(presigner_verify_options_set_max_skew(m, -1), PRESIGNER_STATUS_INVALID_OPTION,
                  "negative max skew");
    expect_status(presigner_verify_options_set_max_skew(m, 604801),
                  PRESIGNER_STATUS_INVALID_OPTION, "huge max skew");
    presigner_verify_options_free(m);
  }
  /* 22 DUPLICATE_PARAMETER */
  x = append(url, "&X-Amz-Date=20130524T000000Z");
  verify_expect("GET", x, NULL, 0, k, o, PRESIGNER_STATUS_DUPLICATE_PARAMETER, "duplicate date");
  free(x);
  /* 23 MISSING_SIGNED_HEADER: a signed Content-Type that the request lacks */
  {
    char *ct = doc_url("PUT", NULL, 3600, "Content-Type", "image/png");
    verify_expect("PUT", ct, NULL, 0, k, o, PRESIGNER_STATUS_MISSING_SIGNED_HEADER,
                  "signed header absent");
    presigner_header png = {{S("content-type")}, {S("image/png")}};
    presigner_header jpg = {{S("Content-Type")}, {S("image/jpeg")}};
    presigner_verified_free(
        verify_expect("PUT", ct, &png, 1, k, o, PRESIGNER_STATUS_OK, "signed header present"));
    verify_expect("PUT", ct, &jpg, 1, k, o, PRESIGNER_STATUS_SIGNATURE_MISMATCH,
                  "other content type");
    verify_expect("GET", ct, &png, 1, k, o, PRESIGNER_STATUS_SIGNATURE_MISMATCH,
                  "PUT URL used for GET");
    free(ct);
  }
  /* 24 UNKNOWN_ACCESS_KEY */
  {
    presigner_keyring *empty = NULL;
    presigner_keyring_new(&empty);
    size_t n = 99;
    presigner_keyring_count(empty, &n);
    ok(n == 0, "empty keyring");
    verify_expect("GET", url, NULL, 0, empty, o, PRESIGNER_STATUS_UNKNOWN_ACCESS_KEY,
                  "unknown access key");
    presigner_keyring_free(empty);
  }
  /* 25 INVALID_SESSION_TOKEN: the key requires a token the URL lacks / has another one */
  {
    presigner_keyring *tk = keyring_of(AKID, SECRET, "TOKEN-1");
    verify_expect("GET", url, NULL, 0, tk, o, PRESIGNER_STATUS_INVALID_SESSION_TOKEN,
                  "token missing");
    char *t2 = doc_url("GET", "TOKEN-2", 3600, NULL, NULL);
    verify_expect("GET", t2, NULL, 0, tk, o, PRESIGNER_STATUS_INVALID_SESSION_TOKEN,
                  "another token");
    free(t2);
    char *t1 = doc_url("GET", "TOKEN-1", 3600, NULL, NULL);
    presigner_verified_free(
        verify_expect("GET", t1, NULL, 0, tk, o, PRESIGNER_STATUS_OK, "the expected token"));
    /* a keyring entry from credentials with the token */
    presigner_keyring *ck = NULL;
    presigner_keyring_new(&ck);
    presigner_credentials *c = make_creds(AKID, SECRET, "TOKEN-1", NULL);
    expect_status(presigner_keyring_add_credentials(ck, c), PRESIGNER_STATUS_OK,
                  "keyring_add_credentials");
    presigner_credentials_free(c);
    presigner_verified_free(verify_expect("GET", t1, NULL, 0, ck, o, PRESIGNER_STATUS_OK,
                                          "keyring from credentials"));
    verify_expect("GET", url, NULL, 0, ck, o, PRESIGNER_STATUS_INVALID_SESSION_TOKEN,
                  "keyring from credentials requires the token");
    presigner_keyring_free(ck);
    free(t1);
    presigner_keyring_free(tk);
  }
  /* 26 REQUEST_EXPIRED, 27 REQUEST_NOT_YET_VALID, and the edges */
  {
    presigner_verify_options *t = verify_opts_at(DOC_NOW + 3599);
    presigner_verified_free(
        verify_expect("GET", url, NULL, 0, k, t, PRESIGNER_STATUS_OK, "one second before expiry"));
    presigner_verify_options_set_now(t, DOC_NOW + 3600);
    verify_expect("GET", url, NULL, 0, k, t, PRESIGNER_STATUS_REQUEST_EXPIRED, "at expiry");
    presigner_verify_options_set_now(t, DOC_NOW - 900);
    presigner_verified_free(
        verify_expect("GET", url, NULL, 0, k, t, PRESIGNER_STATUS_OK, "900 s in the future"));
    presigner_verify_options_set_now(t, DOC_NOW - 901);
    verify_expect("GET", url, NULL, 0, k, t, PRESIGNER_STATUS_REQUEST_NOT_YET_VALID,
                  "901 s in the future");
    presigner_verify_options_set_max_skew(t, 901);
    presigner_verified_free(
        verify_expect("GET", url, NULL, 0, k, t, PRESIGNER_STATUS_OK, "max skew 901"));
    presigner_verify_options_set_max_skew(t, 0);
    presigner_verify_options_set_now(t, DOC_NOW - 1);
    verify_expect("GET", url, NULL, 0, k, t, PRESIGNER_STATUS_REQUEST_NOT_YET_VALID,
                  "max skew 0");
    presigner_verify_options_use_clock(t);
    verify_expect("GET", url, NULL, 0, k, t, PRESIGNER_STATUS_REQUEST_EXPIRED, "use_clock");
    presigner_verify_options_free(t);
  }
  /* 28 SIGNATURE_MISMATCH: wrong secret, tampered signature, path, expiry, method */
  {
    presigner_keyring *wrong = keyring_of(AKID, "not-the-secret", NULL);
    verify_expect("GET", url, NULL, 0, wrong, o, PRESIGNER_STATUS_SIGNATURE_MISMATCH,
                  "wrong secret");
    presigner_keyring_free(wrong);
    char *sig = strstr(url, "X-Amz-Signature=") + 16;
    x = strdup(url);
    x[sig - url] = sig[0] == '0' ? '1' : '0';
    verify_expect("GET", x, NULL, 0, k, o, PRESIGNER_STATUS_SIGNATURE_MISMATCH, "tampered sig");
    free(x);
    x = replace(url, "a%20b.txt", "a%20c.txt");
    verify_expect("GET", x, NULL, 0, k, o, PRESIGNER_STATUS_SIGNATURE_MISMATCH, "changed path");
    free(x);
    x = replace(url, "X-Amz-Expires=3600", "X-Amz-Expires=7200");
    verify_expect("GET", x, NULL, 0, k, o, PRESIGNER_STATUS_SIGNATURE_MISMATCH, "changed expires");
    free(x);
    verify_expect("PUT", url, NULL, 0, k, o, PRESIGNER_STATUS_SIGNATURE_MISMATCH,
                  "GET URL used for PUT");
    presigner_header host = {{S("Host")}, {S("other.example.com")}};
    verify_expect("GET", url, &host, 1, k, o, PRESIGNER_STATUS_SIGNATURE_MISMATCH,
                  "another Host header");
  }
  /* 100 NULL_ARGUMENT, 101 INVALID_UTF8 */
  {
    presigner_verified *out = NULL;
    expect_status(presigner_verify_presigned(S("GET"), S(url), NULL, 0, NULL, o, &out),
                  PRESIGNER_STATUS_NULL_ARGUMENT, "NULL keyring");
    expect_status(presigner_verify_presigned(S("GET"), S(url), NULL, 0, k, o, NULL),
                  PRESIGNER_STATUS_NULL_ARGUMENT, "NULL out");
    expect_status(presigner_verify_presigned(S("GET"), S(url), NULL, 2, k, o, &out),
                  PRESIGNER_STATUS_NULL_ARGUMENT, "NULL headers with a count");
    expect_status(presigner_keyring_add(NULL, S(AKID), S(SECRET), NULL, 0),
                  PRESIGNER_STATUS_NULL_ARGUMENT, "NULL keyring add");
    expect_status(presigner_keyring_add(k, S(""), S(SECRET), NULL, 0),
                  PRESIGNER_STATUS_INVALID_CREDENTIALS, "empty access key id in keyring");
    presigner_header bad = {{S("X-Bad")}, {"\xff", 1}};
    expect_status(presigner_verify_presigned(S("GET"), S(url), &bad, 1, k, o, &out),
                  PRESIGNER_STATUS_INVALID_UTF8, "header value not UTF-8");
    ok(out == NULL, "out untouched");
    size_t n = 0;
    presigner_keyring_count(k, &n);
    ok(n == 1, "keyring count");
  }

  /* a C lookup: hit, miss, and a miss that hands over credentials (freed by the library) */
  {
    lookup_state st = {0, PRESIGNER_STATUS_PANIC};
    presigner_keyring *lk = NULL;
    presigner_keyring_new(&lk);
    expect_status(presigner_keyring_set_lookup(lk, test_lookup, &st), PRESIGNER_STATUS_OK,
                  "set_lookup");
    presigner_verified_free(
        verify_expect("GET", url, NULL, 0, lk, o, PRESIGNER_STATUS_OK, "lookup hit"));
    ok(st.calls == 1 && st.made == PRESIGNER_STATUS_OK, "lookup called once");
    x = replace(url, "AKIAIOSFODNN7EXAMPLE", "LEAK");
    verify_expect("GET", x, NULL, 0, lk, o, PRESIGNER_STATUS_UNKNOWN_ACCESS_KEY, "lookup miss");
    free(x);
    x = replace(url, "AKIAIOSFODNN7EXAMPLE", "AKIDNOBODY");
    verify_expect("GET", x, NULL, 0, lk, o, PRESIGNER_STATUS_UNKNOWN_ACCESS_KEY, "lookup miss 2");
    free(x);
    ok(st.calls == 3, "lookup called for every unknown id");
    /* keys held by the keyring win over the lookup */
    presigner_keyring_add(lk, S(AKID), S("not-the-secret"), NULL, 0);
    verify_expect("GET", url, NULL, 0, lk, o, PRESIGNER_STATUS_SIGNATURE_MISMATCH,
                  "keyring entry before lookup");
    ok(st.calls == 3, "lookup not called for a held id");
    presigner_keyring_set_lookup(lk, NULL, NULL);
    presigner_keyring_free(lk);
  }

  /* header auth: sign_request then verify_request */
  {
    presigner_credentials *c = make_creds(AKID, SECRET, NULL, NULL);
    presigner_signing_params *p = NULL;
    presigner_signing_params_new(S("us-east-1"), S("s3"), &p);
    presigner_signing_params_set_now(p, DOC_NOW);
    const char *u = "https://examplebucket.s3.amazonaws.com/dir/a%20b.txt?x-id=PutObject";
    const char *body = "hello";
    presigner_header in[1] = {{{S("Content-Type")}, {S("text/plain")}}};
    presigner_signed *sg = NULL;
    expect_status(presigner_sign_request(S("PUT"), S(u), in, 1, (const uint8_t *)body, 5, c, p,
                                         &sg),
                  PRESIGNER_STATUS_OK, "sign_request for verify");
    presigner_header all[8];
    size_t n = 0;
    presigner_signed_header_count(sg, &n);
    all[0] = in[0];
    for (size_t i = 0; i < n && i < 7; i++) presigner_signed_header(sg, i, &all[i + 1]);
    const char *hash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    presigner_verified *out = NULL;
    expect_status(presigner_verify_request(S("PUT"), S(u), all, n + 1, S(hash), k, o, &out),
                  PRESIGNER_STATUS_OK, "verify_request");
    int64_t t = 0;
    presigner_verified_expires_at(out, &t);
    ok(t == DOC_NOW + 900, "header auth valid for the skew");
    presigner_verified_free(out);
    out = NULL;
    expect_status(presigner_verify_request(S("PUT"), S(u), all, n + 1, NULL, 0, k, o, &out),
                  PRESIGNER_STATUS_OK, "verify_request with x-amz-content-sha256");
    presigner_verified_free(out);
    out = NULL;
    const char *other = "0000000000000000000000000000000000000000000000000000000000000000";
    expect_status(presigner_verify_request(S("PUT"), S(u), all, n + 1, S(other), k, o, &out),
                  PRESIGNER_STATUS_SIGNATURE_MISMATCH, "verify_request other body");
    expect_status(presigner_verify_request(S("PUT"), S(u), all + 1, n, S(hash), k, o, &out),
                  PRESIGNER_STATUS_MISSING_SIGNED_HEADER, "verify_request without content-type");
    presigner_verify_options *late = verify_opts_at(DOC_NOW + 901);
    expect_status(presigner_verify_request(S("PUT"), S(u), all, n + 1, S(hash), k, late, &out),
                  PRESIGNER_STATUS_REQUEST_EXPIRED, "verify_request too late");
    expect_status(presigner_verify_request(S("PUT"), S(u), in, 1, S(hash), k, o, &out),
                  PRESIGNER_STATUS_MALFORMED_REQUEST, "verify_request without Authorization");
    ok(out == NULL, "out untouched");
    presigner_verify_options_free(late);
    presigner_signed_free(sg);
    presigner_signing_params_free(p);
    presigner_credentials_free(c);
  }
  free(url);
  presigner_verify_options_free(o);
  presigner_keyring_free(k);
  /* every verification status has its code string */
  ok(strcmp(presigner_status_str(PRESIGNER_STATUS_UNSUPPORTED_ALGORITHM), "unsupported_algorithm") == 0 &&
         strcmp(presigner_status_str(18), "unsupported_algorithm") == 0 &&
         strcmp(presigner_status_str(28), "signature_mismatch") == 0 &&
         PRESIGNER_STATUS_SIGNATURE_MISMATCH == 28,
     "verification status values 18..28");
}

typedef struct {
  const presigner_keyring *k;
  const presigner_verify_options *o;
  const char *url;
  int failures;
} verify_arg;

static void *verify_worker(void *raw) {
  verify_arg *a = raw;
  for (int i = 0; i < 200; i++) {
    presigner_verified *r = NULL;
    if (presigner_verify_presigned(S("GET"), S(a->url), NULL, 0, a->k, a->o, &r) !=
        PRESIGNER_STATUS_OK)
      a->failures++;
    presigner_verified_free(r);
    r = NULL;
    if (presigner_verify_presigned(S("PUT"), S(a->url), NULL, 0, a->k, a->o, &r) !=
        PRESIGNER_STATUS_SIGNATURE_MISMATCH)
      a->failures++;
  }
  return NULL;
}

static void test_verify_threads(void) {
  presigner_keyring *k = keyring_of(AKID, SECRET, NULL);
  presigner_verify_options *o = verify_opts_at(DOC_NOW + 1);
  char *url = doc_url("GET", NULL, 3600, NULL, NULL);
  pthread_t th[4];
  verify_arg args[4];
  for (int i = 0; i < 4; i++) {
    args[i] = (verify_arg){k, o, url, 0};
    pthread_create(&th[i], NULL, verify_worker, &args[i]);
  }
  int failures = 0;
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    failures += args[i].failures;
  }
  ok(failures == 0, "4 threads share one keyring and one verify options handle");
  free(url);
  presigner_verify_options_free(o);
  presigner_keyring_free(k);
}

/* ---- threads ------------------------------------------------------------------------------ */

typedef struct {
  const presigner_s3 *s3;
  const presigner_presign_options *o;
  int failures;
} thread_arg;

static void *worker(void *raw) {
  thread_arg *a = raw;
  char key[32];
  for (int i = 0; i < 200; i++) {
    snprintf(key, sizeof key, "k-%d", i);
    presigner_presigned *p = NULL;
    if (presigner_s3_presign(a->s3, S("GET"), S("examplebucket"), key, strlen(key), a->o, &p) !=
        PRESIGNER_STATUS_OK) {
      a->failures++;
      continue;
    }
    presigner_str u;
    presigner_presigned_url(p, &u);
    if (strstr(u.data, key) == NULL) a->failures++;
    presigner_presigned_free(p);
    char ubuf[1024];
    size_t ulen = 0;
    if (presigner_s3_presign_url_into(a->s3, S("GET"), S("examplebucket"), key, strlen(key), 3600,
                                      true, DOC_NOW, a->o, ubuf, sizeof ubuf,
                                      &ulen) != PRESIGNER_STATUS_OK ||
        ulen == 0 || ulen >= sizeof ubuf)
      a->failures++;
    /* a failure on this thread must not disturb the others' messages */
    presigner_presigned *bad = NULL;
    if (presigner_s3_presign(a->s3, S("GET"), S("examplebucket"), S(""), a->o, &bad) !=
        PRESIGNER_STATUS_INVALID_KEY)
      a->failures++;
    char *m = last_error();
    if (strstr(m, "object key") == NULL) a->failures++;
    free(m);
  }
  return NULL;
}

static void test_threads(void) {
  presigner_s3 *s3 = doc_s3();
  presigner_presign_options *o = doc_opts();
  pthread_t th[4];
  thread_arg args[4];
  for (int i = 0; i < 4; i++) {
    args[i] = (thread_arg){s3, o, 0};
    pthread_create(&th[i], NULL, worker, &args[i]);
  }
  int failures = 0;
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    failures += args[i].failures;
  }
  ok(failures == 0, "4 threads share one presigner and one options handle");
  presigner_presign_options_free(o);
  presigner_s3_free(s3);
}

int main(void) {
  printf("presigner C ABI %s\n", presigner_version());
  test_vectors();
  test_statuses();
  test_s3_features();
  test_url_into();
  test_packed();
  test_sign_request_features();
  test_threads();
  test_verify_suite();
  test_verify_statuses();
  test_verify_threads();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
