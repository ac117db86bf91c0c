/* The baseline of `make bench-dotnet`: the Rust core called directly through the C ABI from C,
 * making the same calls as the .NET package does for Bench.cs (presign a GET at a fixed time:
 * presigner_s3_presign_url_into for PresignGetUrl, presigner_s3_presign_fields_into for
 * PresignGet's every field). Prints "c NAME US_PER_CALL". Argument: iterations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "presigner.h"
#define S(x) (x), strlen(x)

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 200000;
  presigner_credentials *creds = NULL;
  presigner_s3 *s3 = NULL;
  presigner_presign_options *opts = NULL;
  if (presigner_credentials_new(S("AKIAIOSFODNN7EXAMPLE"), S("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), NULL, 0, NULL, &creds) ||
      presigner_s3_new(S("us-east-1"), creds, NULL, &s3) || presigner_presign_options_new(&opts)) {
    fprintf(stderr, "setup failed\n");
    return 1;
  }
  presigner_presign_options_set_expires_in(opts, 3600);
  presigner_presign_options_set_now(opts, 1369353600);
  const char *key = "reports/2024 Q1.pdf";
  for (int mode = 0; mode < 2; mode++) {
    size_t total = 0;
    double t0 = 0;
    for (long i = -2000; i < n; i++) {
      if (i == 0) t0 = now_us();
      static char buf[4096];
      size_t len = 0;
      if (mode == 0) {
        if (presigner_s3_presign_url_into(s3, S("GET"), S("examplebucket"), S(key), 3600, true, 1369353600, NULL,
                                          buf, sizeof buf, &len)) return 1;
      } else {
        if (presigner_s3_presign_fields_into(s3, S("GET"), S("examplebucket"), S(key), opts, buf, sizeof buf, &len)) return 1;
      }
      total += len;
    }
    double us = (now_us() - t0) / (double)n;
    printf("c %s %.3f\n", mode == 0 ? "presign_get_url" : "presign_full", us);
    if (total == 0) return 1;
  }
  presigner_presign_options_free(opts);
  presigner_s3_free(s3);
  presigner_credentials_free(creds);
  return 0;
}
