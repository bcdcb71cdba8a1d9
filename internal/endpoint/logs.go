package endpoint

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudlab/cloudlab/internal/invoker"
)

// The CloudWatch Logs subset the AWS CLI uses to read a function's log
// (JSON 1.1, X-Amz-Target Logs_20140328.*): DescribeLogGroups,
// DescribeLogStreams, GetLogEvents and FilterLogEvents (what `aws logs tail`
// calls). https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/

const maxLogEvents = 10000

func (s *Server) serveLogs(w http.ResponseWriter, r *http.Request, c *call, op string) {
	c.op = "Logs." + op
	if r.Method != http.MethodPost {
		writeError(w, &apiError{Status: 400, Code: "UnknownOperationException", Message: "CloudWatch Logs takes POST requests", JSON11: true})
		return
	}
	var in struct {
		LogGroupName        string   `json:"logGroupName"`
		LogGroupNamePrefix  string   `json:"logGroupNamePrefix"`
		LogStreamName       string   `json:"logStreamName"`
		LogStreamNames      []string `json:"logStreamNames"`
		LogStreamNamePrefix string   `json:"logStreamNamePrefix"`
		OrderBy             string   `json:"orderBy"`
		Descending          bool     `json:"descending"`
		Limit               int      `json:"limit"`
		NextToken           string   `json:"nextToken"`
		StartTime           *int64   `json:"startTime"`
		EndTime             *int64   `json:"endTime"`
		StartFromHead       *bool    `json:"startFromHead"`
		FilterPattern       string   `json:"filterPattern"`
	}
	if e := decodeJSON(c.body, &in); e != nil {
		e.Code, e.JSON11 = "SerializationException", true
		writeError(w, e)
		return
	}
	c.function = strings.TrimPrefix(in.LogGroupName, "/aws/lambda/")
	store := s.iv.Logs()
	notFound := func(what string) {
		writeError(w, &apiError{Status: 400, Code: "ResourceNotFoundException", Message: "The specified " + what + " does not exist.", JSON11: true})
	}
	switch op {
	case "DescribeLogGroups":
		var groups []map[string]any
		for _, g := range store.Groups() {
			if strings.HasPrefix(g.Name, in.LogGroupNamePrefix) {
				groups = append(groups, map[string]any{"logGroupName": g.Name, "creationTime": g.Created, "storedBytes": 0,
					"arn": "arn:aws:logs:us-east-1:123456789012:log-group:" + g.Name + ":*", "logGroupClass": "STANDARD"})
			}
		}
		if groups == nil {
			groups = []map[string]any{}
		}
		writeJSON11(w, map[string]any{"logGroups": groups})
	case "DescribeLogStreams":
		streams, ok := store.Group(in.LogGroupName)
		if !ok {
			notFound("log group")
			return
		}
		type row struct {
			s                      *invoker.LogStream
			first, last, ingest, n int64
		}
		var rows []row
		for _, st := range streams {
			if !strings.HasPrefix(st.Name, in.LogStreamNamePrefix) {
				continue
			}
			f, l, ing, n := st.Info()
			rows = append(rows, row{st, f, l, ing, int64(n)})
		}
		if in.OrderBy == "LastEventTime" {
			sort.SliceStable(rows, func(i, j int) bool { return rows[i].last < rows[j].last })
		} else {
			sort.SliceStable(rows, func(i, j int) bool { return rows[i].s.Name < rows[j].s.Name })
		}
		if in.Descending {
			for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
				rows[i], rows[j] = rows[j], rows[i]
			}
		}
		start, _ := strconv.Atoi(in.NextToken)
		start = min(max(start, 0), len(rows))
		limit := in.Limit
		if limit <= 0 || limit > 50 {
			limit = 50
		}
		end := min(start+limit, len(rows))
		out := []map[string]any{}
		for _, r := range rows[start:end] {
			m := map[string]any{"logStreamName": r.s.Name, "creationTime": r.s.Created, "storedBytes": 0,
				"arn": "arn:aws:logs:us-east-1:123456789012:log-group:" + r.s.Group + ":log-stream:" + r.s.Name}
			if r.n > 0 {
				m["firstEventTimestamp"], m["lastEventTimestamp"], m["lastIngestionTime"] = r.first, r.last, r.ingest
			}
			out = append(out, m)
		}
		res := map[string]any{"logStreams": out}
		if end < len(rows) {
			res["nextToken"] = strconv.Itoa(end)
		}
		writeJSON11(w, res)
	case "GetLogEvents":
		if _, ok := store.Group(in.LogGroupName); !ok {
			notFound("log group")
			return
		}
		st := store.Stream(in.LogGroupName, in.LogStreamName)
		if st == nil || in.LogStreamName == "" {
			notFound("log stream")
			return
		}
		evs := inRange(st.Events(), in.StartTime, in.EndTime)
		limit := in.Limit
		if limit <= 0 || limit > maxLogEvents {
			limit = maxLogEvents
		}
		// Tokens are f/N (forward from index N) and b/N (backward to N).
		var from, to int
		switch {
		case strings.HasPrefix(in.NextToken, "f/"):
			from, _ = strconv.Atoi(in.NextToken[2:])
			from = min(max(from, 0), len(evs))
			to = min(from+limit, len(evs))
		case strings.HasPrefix(in.NextToken, "b/"):
			to, _ = strconv.Atoi(in.NextToken[2:])
			to = min(max(to, 0), len(evs))
			from = max(to-limit, 0)
		case in.StartFromHead != nil && *in.StartFromHead:
			from, to = 0, min(limit, len(evs))
		default:
			from, to = max(len(evs)-limit, 0), len(evs)
		}
		out := []map[string]any{}
		for _, e := range evs[from:to] {
			out = append(out, map[string]any{"timestamp": e.Timestamp, "message": e.Message, "ingestionTime": e.IngestionTime})
		}
		writeJSON11(w, map[string]any{"events": out, "nextForwardToken": "f/" + strconv.Itoa(to), "nextBackwardToken": "b/" + strconv.Itoa(from)})
	case "FilterLogEvents":
		streams, ok := store.Group(in.LogGroupName)
		if !ok {
			notFound("log group")
			return
		}
		type ev struct {
			stream string
			e      invoker.LogEvent
			seq    int
		}
		var all []ev
		var searched []map[string]any
		for _, st := range streams {
			if len(in.LogStreamNames) > 0 && !containsStr(in.LogStreamNames, st.Name) || !strings.HasPrefix(st.Name, in.LogStreamNamePrefix) {
				continue
			}
			searched = append(searched, map[string]any{"logStreamName": st.Name, "searchedCompletely": true})
			for i, e := range inRange(st.Events(), in.StartTime, in.EndTime) {
				if matchFilter(in.FilterPattern, e.Message) {
					all = append(all, ev{st.Name, e, i})
				}
			}
		}
		sort.SliceStable(all, func(i, j int) bool { return all[i].e.Timestamp < all[j].e.Timestamp })
		start, _ := strconv.Atoi(in.NextToken)
		start = min(max(start, 0), len(all))
		limit := in.Limit
		if limit <= 0 || limit > maxLogEvents {
			limit = maxLogEvents
		}
		end := min(start+limit, len(all))
		out := []map[string]any{}
		for _, e := range all[start:end] {
			out = append(out, map[string]any{"logStreamName": e.stream, "timestamp": e.e.Timestamp, "message": e.e.Message,
				"ingestionTime": e.e.IngestionTime, "eventId": strconv.FormatInt(e.e.Timestamp, 10) + "-" + strconv.Itoa(e.seq)})
		}
		if searched == nil {
			searched = []map[string]any{}
		}
		res := map[string]any{"events": out, "searchedLogStreams": searched}
		if end < len(all) {
			res["nextToken"] = strconv.Itoa(end)
		}
		writeJSON11(w, res)
	default:
		writeError(w, &apiError{Status: 400, Code: "UnknownOperationException", Message: "The cloudlab endpoint serves DescribeLogGroups, DescribeLogStreams, GetLogEvents and FilterLogEvents of CloudWatch Logs.", JSON11: true})
	}
}

func writeJSON11(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, &apiError{Status: 500, Code: "InternalFailure", Message: "could not encode the response", JSON11: true})
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-RequestId", newRequestID())
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func containsStr(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func inRange(evs []invoker.LogEvent, start, end *int64) []invoker.LogEvent {
	if start == nil && end == nil {
		return evs
	}
	out := evs[:0:0]
	for _, e := range evs {
		if start != nil && e.Timestamp < *start || end != nil && e.Timestamp > *end {
			continue
		}
		out = append(out, e)
	}
	return out
}

// matchFilter supports the plain term form of filter patterns: every term
// must occur (a "quoted phrase" is one term); an empty pattern matches all.
func matchFilter(pattern, msg string) bool {
	pattern = strings.TrimSpace(pattern)
	if pattern == "" {
		return true
	}
	for _, t := range filterTerms(pattern) {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	return true
}

func filterTerms(p string) []string {
	var out []string
	for p = strings.TrimSpace(p); p != ""; p = strings.TrimSpace(p) {
		if p[0] == '"' {
			if i := strings.IndexByte(p[1:], '"'); i >= 0 {
				out = append(out, p[1:i+1])
				p = p[i+2:]
				continue
			}
			out = append(out, p[1:])
			break
		}
		i := strings.IndexAny(p, " \t")
		if i < 0 {
			out = append(out, p)
			break
		}
		out = append(out, p[:i])
		p = p[i:]
	}
	return out
}
