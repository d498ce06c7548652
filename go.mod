module github.com/orgkit/orgkit

go 1.24.0

require (
	github.com/google/uuid v1.6.0
	github.com/mozillazg/go-pinyin v0.21.0
	github.com/nyaruka/phonenumbers v1.8.1
	golang.org/x/text v0.34.0
)

require google.golang.org/protobuf v1.36.11 // indirect

require (
	github.com/stretchr/testify v1.12.1
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
