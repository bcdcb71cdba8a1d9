// Package lambda simulates the AWS Lambda function invoker on the sim kernel:
// functions, versions and aliases, execution environments, concurrency,
// scaling, throttling, the asynchronous event queue, billing, logs and
// CloudWatch-style metrics. Rules and numbers follow shared/FACTS.md.
package lambda

import "github.com/cloudlab/cloudlab/internal/sim"

// Service is one account's Lambda in one Region.
type Service struct {
	k *sim.Kernel
}

// New returns a Lambda service driven by kernel k.
func New(k *sim.Kernel) *Service { return &Service{k: k} }

// Names lists resource names of a kind for tab completion ("function").
func (s *Service) Names(kind string) []string { return nil }

// Report is the lambda part of `report --json`.
type Report struct {
	Functions []FunctionReport `json:"functions"`
}

// FunctionReport is one function's metrics over the whole run.
type FunctionReport struct {
	FunctionName string
}

// Report summarizes every function.
func (s *Service) Report() Report { return Report{Functions: []FunctionReport{}} }

// ReportText is the plain-text report.
func (s *Service) ReportText() string { return "" }
