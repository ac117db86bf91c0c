module presigner-bench

go 1.24

require (
	github.com/aws/aws-sdk-go-v2 v1.48.0
	github.com/presigner/presigner/bindings/go v0.0.0
)

require github.com/aws/smithy-go v1.28.9 // indirect

replace github.com/presigner/presigner/bindings/go => ../../bindings/go
