package convert

import (
	"os"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/quiz"
)

// Each format converts, the result loads as a quiz with the right keys and
// explanations, and questions without a key are reported with their line.
func TestConvertFormats(t *testing.T) {
	tests := []struct {
		file, format string
		questions    int
		keys         []string // right options of each question, joined
		problemLine  int      // 0: none expected
	}{
		{"testdata/details.md", "details", 2, []string{"AWS Fargate", "AWS Lambda+Amazon EC2"}, 27},
		{"testdata/numbered.md", "numbered", 2, []string{"15 minutes", "Spot Instances"}, 0},
		{"testdata/checkbox.md", "checkbox", 2, []string{"AWS Lambda", "Amazon S3+Amazon S3 Glacier"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			src, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if got := Detect(src); got != tc.format {
				t.Errorf("Detect = %q, want %q", got, tc.format)
			}
			out, probs, err := Convert(tc.file, src, "auto")
			if err != nil {
				t.Fatal(err)
			}
			if tc.problemLine == 0 && len(probs) > 0 || tc.problemLine > 0 && (len(probs) != 1 || probs[0].Line != tc.problemLine) {
				t.Errorf("problems %v, want one at line %d", probs, tc.problemLine)
			}
			qz, qprobs := quiz.LoadFile(tc.format+".md", out)
			for _, p := range qprobs {
				if !p.Warning {
					t.Errorf("the converted quiz has a problem: %v\n%s", p, out)
				}
			}
			if len(qz.Questions) != tc.questions {
				t.Fatalf("%d questions, want %d:\n%s", len(qz.Questions), tc.questions, out)
			}
			for i, q := range qz.Questions {
				var right []string
				for _, o := range q.Options {
					if o.Correct {
						right = append(right, o.Text)
					}
				}
				if got := strings.Join(right, "+"); got != tc.keys[i] {
					t.Errorf("question %d: right %q, want %q", i+1, got, tc.keys[i])
				}
			}
		})
	}
	src, _ := os.ReadFile("testdata/numbered.md")
	out, _, _ := Convert("numbered.md", src, "numbered")
	if !strings.Contains(string(out), "> Explanation: Since 2018") && !strings.Contains(string(out), "> Since 2018") {
		t.Errorf("explanation lost:\n%s", out)
	}
}

func FuzzConvert(f *testing.F) {
	for _, p := range []string{"testdata/details.md", "testdata/numbered.md", "testdata/checkbox.md"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, format := range Formats {
			out, _, err := Convert("f.md", src, format)
			if err == nil {
				if _, probs := quiz.LoadFile("f.md", out); len(probs) > 0 {
					for _, p := range probs {
						if !p.Warning && !strings.Contains(p.Msg, "duplicate") {
							t.Fatalf("format %s: converted output does not load: %v\n%s", format, p, out)
						}
					}
				}
			}
		}
	})
}
