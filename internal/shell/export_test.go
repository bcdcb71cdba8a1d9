package shell

// WithFiles preloads in-memory files (name -> content).
func WithFiles(files map[string][]byte) Option {
	return func(s *Shell) {
		for k, v := range files {
			s.files[cleanName(k)] = v
		}
	}
}

// WithMaxArrivals lowers (or raises) the per-command arrival limit of
// traffic (default MaxArrivals).
func WithMaxArrivals(n int) Option { return func(s *Shell) { s.maxArr = float64(n) } }

// WithCommands adds extra commands (tests, embedding programs).
func WithCommands(cs ...Command) Option { return func(s *Shell) { s.cmds = append(s.cmds, cs...) } }
