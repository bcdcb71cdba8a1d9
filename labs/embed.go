// Package labs embeds the course's lab files (lab-*.md).
package labs

import "embed"

// FS holds the lab Markdown files at its root. Files that are not
// Markdown, and README.md, are ignored by the course loader.
//
//go:embed *
var FS embed.FS
