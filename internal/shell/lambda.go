package shell

// lambdaCommands are the `aws lambda` commands.
func lambdaCommands() []Command {
	return nil
}

func lambdaTraffic(ctx *Ctx, a Args, p *Pattern) (Result, error) {
	return Result{}, usagef("traffic: Lambda is being built")
}
