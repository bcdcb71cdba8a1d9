// Package lessons embeds the course's lesson files (NN-id.md).
package lessons

import "embed"

// FS holds the lesson Markdown files at its root. Files that are not
// Markdown, and README.md, are ignored by the course loader.
//
//go:embed *
var FS embed.FS
