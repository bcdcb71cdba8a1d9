package progress

// SchemaVersion is the schema version (PRAGMA user_version) this build writes.
func SchemaVersion() int {
	ms, err := migrations(sqliteMigrations)
	if err != nil {
		return 0
	}
	return len(ms)
}
