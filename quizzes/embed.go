// Package quizzes embeds the course's quiz files (id.md).
package quizzes

import "embed"

// FS holds the quiz Markdown files at its root. Files that are not
// Markdown, and README.md, are ignored by the course loader.
//
//go:embed *
var FS embed.FS
