// Go harness of `make bench` (run by bench/run.py; prints one JSON document, common schema):
// presigner (PresignGet / Presign / PresignMany, cgo over the C ABI) vs aws-sdk-go-v2
// v4.Signer.PresignHTTP, on bench/inputs.json with the signing time fixed.
//
//	go run . ../inputs.json full|quick   |   go run . ../inputs.json rss N
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	presigner "github.com/presigner/presigner/bindings/go"
)

type inputs struct {
	AccessKeyID     string              `json:"access_key_id"`
	SecretAccessKey string              `json:"secret_access_key"`
	SessionToken    string              `json:"session_token"`
	Region          string              `json:"region"`
	Bucket          string              `json:"bucket"`
	ExpiresIn       int64               `json:"expires_in"`
	NowEpoch        int64               `json:"now_epoch"`
	Keys            []string            `json:"keys"`
	PutHeaders      [][2]string         `json:"put_headers"`
	Modes           map[string]modeSpec `json:"modes"`
}

type modeSpec struct {
	Samples   int     `json:"samples"`
	SampleUs  float64 `json:"sample_us"`
	Batches   []int   `json:"batches"`
	Threads   []int   `json:"threads"`
	BudgetS   float64 `json:"budget_s"`
	MinBatchS float64 `json:"min_batch_s"`
	MaxReps   int     `json:"max_reps"`
}

type obj = map[string]any

var M modeSpec

func latency(f func(i int)) (obj, float64) {
	i := 0
	t0 := time.Now()
	warm := time.Millisecond
	if M.Samples > 100 {
		warm = 50 * time.Millisecond
	}
	for time.Since(t0) < warm || i < 3 {
		f(i)
		i++
	}
	est := float64(time.Since(t0).Nanoseconds()) / 1e3 / float64(i)
	k := int(math.Max(1, math.Ceil(M.SampleUs/est)))
	n := int(math.Max(5, math.Min(float64(M.Samples), math.Floor(M.BudgetS*1e6/(est*float64(k))))))
	s := make([]float64, n)
	for j := range s {
		t := time.Now()
		for c := 0; c < k; c++ {
			f(i)
			i++
		}
		s[j] = float64(time.Since(t).Nanoseconds()) / 1e3 / float64(k)
	}
	sort.Float64s(s)
	p := int(math.Min(float64(n), math.Max(1, math.Ceil(float64(n)*0.99)))) - 1
	return obj{"us_median": s[n/2], "us_p99": s[p], "samples": n, "calls_per_sample": k}, s[n/2]
}

func throughput(name string, estUs float64, all []string, f func([]string) int) []obj {
	var out []obj
	for _, n := range M.Batches {
		for _, threads := range M.Threads {
			estS := estUs * float64(n) / 1e6 / float64(threads)
			if estS > M.BudgetS {
				out = append(out, obj{"impl": name, "batch": n, "threads": threads, "skipped": fmt.Sprintf("estimated %.0f s > budget", estS)})
				continue
			}
			batch := all[:n]
			reps := int(math.Max(1, math.Min(float64(M.MaxReps), math.Ceil(M.MinBatchS/math.Max(estS, 1e-9)))))
			var times []float64
			for r := 0; r < reps; r++ {
				t := time.Now()
				total := 0
				if threads == 1 {
					total = f(batch)
				} else {
					chunk := (n + threads - 1) / threads
					var wg sync.WaitGroup
					var mu sync.Mutex
					for j := 0; j < n; j += chunk {
						part := batch[j:min(n, j+chunk)]
						wg.Add(1)
						go func() {
							defer wg.Done()
							c := f(part)
							mu.Lock()
							total += c
							mu.Unlock()
						}()
					}
					wg.Wait()
				}
				times = append(times, time.Since(t).Seconds())
				if total != n {
					panic(fmt.Sprintf("%s: %d URLs for %d", name, total, n))
				}
			}
			sort.Float64s(times)
			med := times[len(times)/2]
			out = append(out, obj{"impl": name, "batch": n, "threads": threads, "reps": reps, "seconds": med,
				"us_per_url": med * 1e6 / float64(n), "urls_per_s": float64(n) / med})
		}
	}
	return out
}

// SigV4 path encoding of an S3 key: every byte but A-Z a-z 0-9 - _ . ~ / as %XX.
func encKey(k string) string {
	var b strings.Builder
	for _, c := range []byte(k) {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func main() {
	var in inputs
	must(0, json.Unmarshal(must(os.ReadFile(os.Args[1])), &in))
	now := time.Unix(in.NowEpoch, 0).UTC()
	exp := time.Duration(in.ExpiresIn) * time.Second
	batchKeys := func(n int) []string {
		ks := make([]string, n)
		for i := range ks {
			ks[i] = in.Keys[i%len(in.Keys)] + "." + strconv.Itoa(i)
		}
		return ks
	}
	cr := must(presigner.NewCredentials(in.AccessKeyID, in.SecretAccessKey, "", time.Time{}))
	crt := must(presigner.NewCredentials(in.AccessKeyID, in.SecretAccessKey, in.SessionToken, time.Time{}))
	P := must(presigner.NewS3Presigner(presigner.S3Options{Region: in.Region, Credentials: cr}))
	PT := must(presigner.NewS3Presigner(presigner.S3Options{Region: in.Region, Credentials: crt}))
	getO := presigner.PresignOptions{ExpiresIn: exp, Now: now}
	ph := http.Header{}
	for _, h := range in.PutHeaders {
		ph.Set(h[0], h[1])
	}
	putO := presigner.PresignOptions{ExpiresIn: exp, Now: now, Headers: ph}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)

	if os.Args[2] == "rss" {
		urls := must(P.PresignMany("GET", in.Bucket, batchKeys(must(strconv.Atoi(os.Args[3]))), getO))
		total := 0
		for _, u := range urls {
			total += len(u)
		}
		must(0, enc.Encode(obj{"urls": len(urls), "bytes": total}))
		return
	}
	M = in.Modes[os.Args[2]]

	host := in.Bucket + ".s3." + in.Region + ".amazonaws.com"
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	ac := aws.Credentials{AccessKeyID: in.AccessKeyID, SecretAccessKey: in.SecretAccessKey}
	act := ac
	act.SessionToken = in.SessionToken
	ctx := context.Background()
	awsSign := func(c aws.Credentials, method, key string, h http.Header) string {
		req, err := http.NewRequest(method, "https://"+host+"/"+encKey(key)+"?X-Amz-Expires="+strconv.FormatInt(in.ExpiresIn, 10), nil)
		if err != nil {
			panic(err)
		}
		for n, v := range h {
			req.Header[n] = v
		}
		u, _, err := signer.PresignHTTP(ctx, c, req, "UNSIGNED-PAYLOAD", "s3", in.Region, now)
		if err != nil {
			panic(err)
		}
		return u
	}

	sig := func(u string) string { return strings.Split(strings.Split(u, "X-Amz-Signature=")[1], "&")[0] }
	k := in.Keys[2]
	checks := []obj{
		{"case": "get", "peer": "aws-sdk-go-v2 PresignHTTP", "same_signature": sig(must(P.PresignGet(in.Bucket, k, getO))) == sig(awsSign(ac, "GET", k, nil))},
		{"case": "get_token", "peer": "aws-sdk-go-v2 PresignHTTP", "same_signature": sig(must(PT.PresignGet(in.Bucket, k, getO))) == sig(awsSign(act, "GET", k, nil))},
		{"case": "put", "peer": "aws-sdk-go-v2 PresignHTTP", "same_signature": sig(must(P.Presign("PUT", in.Bucket, k, putO)).URL) == sig(awsSign(ac, "PUT", k, ph))},
	}
	K := len(in.Keys)
	sink := 0
	type row struct {
		name, role, kase string
		f                func(int)
	}
	rows := []row{
		{"presigner PresignGet", "presigner", "get", func(i int) { sink += len(must(P.PresignGet(in.Bucket, in.Keys[i%K], getO))) }},
		{"presigner PresignGet", "presigner", "get_token", func(i int) { sink += len(must(PT.PresignGet(in.Bucket, in.Keys[i%K], getO))) }},
		{"presigner PresignGet", "presigner", "put", func(i int) { sink += len(must(P.Presign("PUT", in.Bucket, in.Keys[i%K], putO)).URL) }},
		{"aws-sdk-go-v2 PresignHTTP", "peer", "get", func(i int) { sink += len(awsSign(ac, "GET", in.Keys[i%K], nil)) }},
		{"aws-sdk-go-v2 PresignHTTP", "peer", "get_token", func(i int) { sink += len(awsSign(act, "GET", in.Keys[i%K], nil)) }},
		{"aws-sdk-go-v2 PresignHTTP", "peer", "put", func(i int) { sink += len(awsSign(ac, "PUT", in.Keys[i%K], ph)) }},
	}
	var lat []obj
	est := map[string]float64{}
	for _, r := range rows {
		o, e := latency(r.f)
		o["impl"], o["role"], o["case"] = r.name, r.role, r.kase
		lat = append(lat, o)
		if r.kase == "get" {
			est[r.name] = e
		}
	}
	maxN := 0
	for _, n := range M.Batches {
		maxN = max(maxN, n)
	}
	all := batchKeys(maxN)
	runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 2))
	tp := throughput("presigner PresignMany", est["presigner PresignGet"], all, func(ks []string) int {
		return len(must(P.PresignMany("GET", in.Bucket, ks, getO)))
	})
	tp = append(tp, throughput("aws-sdk-go-v2 PresignHTTP", est["aws-sdk-go-v2 PresignHTTP"], all, func(ks []string) int {
		for _, x := range ks {
			sink += len(awsSign(ac, "GET", x, nil))
		}
		return len(ks)
	})...)
	if sink == 0 {
		panic("nothing measured")
	}
	must(0, enc.Encode(obj{
		"language":   "go",
		"runtime":    runtime.Version(),
		"versions":   obj{"aws-sdk-go-v2": "v1.48.0"},
		"batch_api":  obj{"presigner PresignMany": "S3Presigner.PresignMany", "aws-sdk-go-v2 PresignHTTP": "loop"},
		"checks":     checks,
		"notes":      []string{"presigner rows for case put use S3Presigner.Presign(...).URL"},
		"latency":    lat,
		"throughput": tp,
	}))
}
