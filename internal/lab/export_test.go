package lab

import "fmt"

// EvalCheck compiles and evaluates a check source against env (a test helper).
func EvalCheck(src string, env *Env) (bool, error) {
	prog, cerr := compileCheck(src)
	if cerr != nil {
		return false, fmt.Errorf("line %d: %s", cerr.line, cerr.msg)
	}
	st := &Step{Title: "check", Check: src, program: prog}
	return st.Eval(env)
}
