package shell

import (
	"slices"

	"github.com/cloudlab/cloudlab/internal/lambda"
)

// qualifiedNames makes every Lambda command take --function-name in each
// form the API accepts: a name, name:qualifier (hello:live, hello:1), a
// partial ARN or a full ARN, qualified or not (API_Invoke.html, "Name
// formats"). Commands with --qualifier take the qualifier from the name
// too; the two must agree. Commands whose API has no qualifier refuse a
// qualified name with the API's ValidationException.
func qualifiedNames(cmds []Command) []Command {
	for i := range cmds {
		c := &cmds[i]
		if c.Service != "lambda" || !slices.ContainsFunc(c.Options, func(o OptSpec) bool { return o.Name == "function-name" }) {
			continue
		}
		takesQualifier := slices.ContainsFunc(c.Options, func(o OptSpec) bool { return o.Name == "qualifier" })
		run := c.Run
		c.Run = func(ctx *Ctx, a Args) (Result, error) {
			if !a.Has("function-name") {
				return run(ctx, a)
			}
			ref := a.Str("function-name")
			name, qual := lambda.SplitFunctionName(ref)
			if qual != "" && !takesQualifier {
				return Result{}, &AWSError{Code: "ValidationException", StatusCode: 400, Message: "1 validation error detected: Value '" + ref +
					"' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: " +
					`(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)`}
			}
			if err := lambda.QualifierConflict(qual, a.Str("qualifier")); err != nil {
				return Result{}, err
			}
			a.vals["function-name"] = name
			if qual != "" {
				a.vals["qualifier"] = qual
			}
			return run(ctx, a)
		}
	}
	return cmds
}
