package progress

// queries are the statements of one backend. Both sets take the same
// arguments in the same order; the PostgreSQL statements also take the
// student as $1 (Store.args puts it first), because one PostgreSQL
// database holds every student's rows while a SQLite file holds one
// learner's.
type queries struct {
	// lessons.go
	lessons, lesson, openLesson, savePosition, markRead, setLast, last string
	// quiz.go
	insertAttempt, attempts, upsertResult, results string
	// cards.go
	card, cardUpsert, cardUpsertNewer, dueCards, countDue, nextDue, allCards string
	// labs.go
	saveLab, labs, saveStep, labSteps string
	// stats.go
	domainStats string
	// export.go (Import merges)
	importLesson, importAttempt, importResult, importLab, importStep string
}

const lessonCols = "lesson_id, first_opened_ms, position, percent, read_at_ms, updated_at_ms"

const cardCols = `question_id, quiz_id, due_ms, stability, difficulty, elapsed_days, scheduled_days,
	reps, lapses, state, last_review_ms`

// cardSet is the update part of a card upsert (both backends).
const cardSet = `quiz_id = excluded.quiz_id, due_ms = excluded.due_ms, stability = excluded.stability,
			difficulty = excluded.difficulty, elapsed_days = excluded.elapsed_days,
			scheduled_days = excluded.scheduled_days, reps = excluded.reps, lapses = excluded.lapses,
			state = excluded.state, last_review_ms = excluded.last_review_ms, updated_at_ms = excluded.updated_at_ms`

// cardNewer keeps an existing card whose last review is at least as recent
// (Import).
const cardNewer = ` WHERE coalesce(excluded.last_review_ms, 0) > coalesce(review_cards.last_review_ms, 0)
			OR (coalesce(excluded.last_review_ms, 0) = coalesce(review_cards.last_review_ms, 0) AND excluded.reps > review_cards.reps)`

var sqliteQueries = &queries{
	lessons: "SELECT " + lessonCols + " FROM lessons",
	lesson:  "SELECT " + lessonCols + " FROM lessons WHERE lesson_id = ?",
	openLesson: `INSERT INTO lessons (lesson_id, first_opened_ms, updated_at_ms) VALUES (?, ?, ?)
			ON CONFLICT (lesson_id) DO UPDATE SET
				first_opened_ms = coalesce(first_opened_ms, excluded.first_opened_ms),
				updated_at_ms = excluded.updated_at_ms`,
	savePosition: `INSERT INTO lessons (lesson_id, first_opened_ms, position, percent, updated_at_ms) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (lesson_id) DO UPDATE SET
				first_opened_ms = coalesce(first_opened_ms, excluded.first_opened_ms),
				position = excluded.position, percent = excluded.percent,
				updated_at_ms = excluded.updated_at_ms`,
	markRead: `INSERT INTO lessons (lesson_id, first_opened_ms, percent, read_at_ms, updated_at_ms) VALUES (?, ?, 100, ?, ?)
			ON CONFLICT (lesson_id) DO UPDATE SET
				first_opened_ms = coalesce(first_opened_ms, excluded.first_opened_ms),
				percent = 100,
				read_at_ms = coalesce(read_at_ms, excluded.read_at_ms),
				updated_at_ms = excluded.updated_at_ms`,
	setLast: `INSERT INTO last_location (singleton, kind, id, at_ms) VALUES (1, ?, ?, ?)
			ON CONFLICT (singleton) DO UPDATE SET kind = excluded.kind, id = excluded.id, at_ms = excluded.at_ms`,
	last: "SELECT kind, id, at_ms FROM last_location WHERE singleton = 1",

	insertAttempt: `INSERT INTO quiz_attempts
	(session_id, quiz_id, question_id, mode, answer, domain, lesson_id, correct, taken_ms, at_ms)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
	attempts: `SELECT id, session_id, quiz_id, question_id, mode, answer, domain, lesson_id, correct, taken_ms, at_ms
		FROM quiz_attempts WHERE ? = '' OR quiz_id = ? ORDER BY at_ms, id`,
	upsertResult: `INSERT INTO quiz_results (session_id, quiz_id, mode, correct, total, scaled, passed, at_ms)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (session_id, quiz_id) WHERE session_id <> '' DO UPDATE SET
		mode = excluded.mode, correct = excluded.correct, total = excluded.total,
		scaled = excluded.scaled, passed = excluded.passed, at_ms = excluded.at_ms`,
	results: `SELECT session_id, quiz_id, mode, correct, total, scaled, passed, at_ms
		FROM quiz_results WHERE ? = '' OR quiz_id = ? ORDER BY at_ms, id`,

	card: "SELECT " + cardCols + " FROM review_cards WHERE question_id = ?",
	cardUpsert: `INSERT INTO review_cards (question_id, quiz_id, due_ms, stability, difficulty, elapsed_days,
		scheduled_days, reps, lapses, state, last_review_ms, updated_at_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (question_id) DO UPDATE SET ` + cardSet,
	dueCards: "SELECT " + cardCols + " FROM review_cards WHERE due_ms <= ? ORDER BY due_ms, question_id",
	countDue: "SELECT count(*) FROM review_cards WHERE due_ms <= ?",
	nextDue:  "SELECT min(due_ms) FROM review_cards WHERE due_ms > ?",
	allCards: "SELECT " + cardCols + " FROM review_cards ORDER BY question_id",

	saveLab: `INSERT INTO labs (lab_id, steps_passed, completed_at_ms, solutions_shown, updated_at_ms)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (lab_id) DO UPDATE SET
				steps_passed = excluded.steps_passed,
				completed_at_ms = coalesce(labs.completed_at_ms, excluded.completed_at_ms),
				solutions_shown = excluded.solutions_shown,
				updated_at_ms = excluded.updated_at_ms`,
	labs: "SELECT lab_id, steps_passed, completed_at_ms, solutions_shown, updated_at_ms FROM labs",
	// A step keeps its first start and first pass, and the most time
	// spent (the screen sends its running total).
	saveStep: `INSERT INTO lab_steps (lab_id, step, started_at_ms, passed_at_ms, spent_ms)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (lab_id, step) DO UPDATE SET
				started_at_ms = coalesce(min(lab_steps.started_at_ms, excluded.started_at_ms), lab_steps.started_at_ms, excluded.started_at_ms),
				passed_at_ms = coalesce(min(lab_steps.passed_at_ms, excluded.passed_at_ms), lab_steps.passed_at_ms, excluded.passed_at_ms),
				spent_ms = max(lab_steps.spent_ms, excluded.spent_ms)`,
	labSteps: "SELECT lab_id, step, started_at_ms, passed_at_ms, spent_ms FROM lab_steps ORDER BY lab_id, step",

	domainStats: `SELECT domain, sum(correct), count(*) FROM quiz_attempts
		WHERE domain <> '' GROUP BY domain`,

	importLesson: `INSERT INTO lessons (lesson_id, first_opened_ms, position, percent, read_at_ms, updated_at_ms)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (lesson_id) DO UPDATE SET
					first_opened_ms = coalesce(min(lessons.first_opened_ms, excluded.first_opened_ms), lessons.first_opened_ms, excluded.first_opened_ms),
					position = CASE WHEN excluded.updated_at_ms > lessons.updated_at_ms THEN excluded.position ELSE lessons.position END,
					percent = CASE WHEN excluded.updated_at_ms > lessons.updated_at_ms THEN excluded.percent ELSE lessons.percent END,
					read_at_ms = coalesce(min(lessons.read_at_ms, excluded.read_at_ms), lessons.read_at_ms, excluded.read_at_ms),
					updated_at_ms = max(lessons.updated_at_ms, excluded.updated_at_ms)`,
	importAttempt: `INSERT INTO quiz_attempts
				(session_id, quiz_id, question_id, mode, answer, domain, lesson_id, correct, taken_ms, at_ms)
				SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
				WHERE NOT EXISTS (SELECT 1 FROM quiz_attempts WHERE session_id = ?1 AND quiz_id = ?2
					AND question_id = ?3 AND mode = ?4 AND answer = ?5 AND correct = ?8 AND at_ms = ?10)`,
	importResult: `INSERT INTO quiz_results (session_id, quiz_id, mode, correct, total, scaled, passed, at_ms)
					SELECT '', ?1, ?2, ?3, ?4, ?5, ?6, ?7
					WHERE NOT EXISTS (SELECT 1 FROM quiz_results WHERE session_id = '' AND quiz_id = ?1 AND mode = ?2
						AND correct = ?3 AND total = ?4 AND scaled = ?5 AND passed = ?6 AND at_ms = ?7)`,
	importLab: `INSERT INTO labs (lab_id, steps_passed, completed_at_ms, solutions_shown, updated_at_ms)
				VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (lab_id) DO UPDATE SET
					steps_passed = max(labs.steps_passed, excluded.steps_passed),
					completed_at_ms = coalesce(min(labs.completed_at_ms, excluded.completed_at_ms), labs.completed_at_ms, excluded.completed_at_ms),
					solutions_shown = max(labs.solutions_shown, excluded.solutions_shown),
					updated_at_ms = max(labs.updated_at_ms, excluded.updated_at_ms)`,
}

func init() {
	sqliteQueries.cardUpsertNewer = sqliteQueries.cardUpsert + cardNewer
	sqliteQueries.importStep = sqliteQueries.saveStep
	postgresQueries.cardUpsertNewer = postgresQueries.cardUpsert + cardNewer
	postgresQueries.importStep = postgresQueries.saveStep
}

// postgresQueries: the same statements with the student as $1 and the
// other arguments from $2 on. LEAST and GREATEST are SQLite's two-argument
// min and max (they skip NULLs, and coalesce covers SQLite's NULL result).
var postgresQueries = &queries{
	lessons: "SELECT " + lessonCols + " FROM lessons WHERE student = $1",
	lesson:  "SELECT " + lessonCols + " FROM lessons WHERE student = $1 AND lesson_id = $2",
	openLesson: `INSERT INTO lessons (student, lesson_id, first_opened_ms, updated_at_ms) VALUES ($1, $2, $3, $4)
			ON CONFLICT (student, lesson_id) DO UPDATE SET
				first_opened_ms = coalesce(lessons.first_opened_ms, excluded.first_opened_ms),
				updated_at_ms = excluded.updated_at_ms`,
	savePosition: `INSERT INTO lessons (student, lesson_id, first_opened_ms, position, percent, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (student, lesson_id) DO UPDATE SET
				first_opened_ms = coalesce(lessons.first_opened_ms, excluded.first_opened_ms),
				position = excluded.position, percent = excluded.percent,
				updated_at_ms = excluded.updated_at_ms`,
	markRead: `INSERT INTO lessons (student, lesson_id, first_opened_ms, percent, read_at_ms, updated_at_ms) VALUES ($1, $2, $3, 100, $4, $5)
			ON CONFLICT (student, lesson_id) DO UPDATE SET
				first_opened_ms = coalesce(lessons.first_opened_ms, excluded.first_opened_ms),
				percent = 100,
				read_at_ms = coalesce(lessons.read_at_ms, excluded.read_at_ms),
				updated_at_ms = excluded.updated_at_ms`,
	setLast: `INSERT INTO last_location (student, kind, id, at_ms) VALUES ($1, $2, $3, $4)
			ON CONFLICT (student) DO UPDATE SET kind = excluded.kind, id = excluded.id, at_ms = excluded.at_ms`,
	last: "SELECT kind, id, at_ms FROM last_location WHERE student = $1",

	insertAttempt: `INSERT INTO quiz_attempts
	(student, session_id, quiz_id, question_id, mode, answer, domain, lesson_id, correct, taken_ms, at_ms)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
	attempts: `SELECT id, session_id, quiz_id, question_id, mode, answer, domain, lesson_id, correct, taken_ms, at_ms
		FROM quiz_attempts WHERE student = $1 AND ($2 = '' OR quiz_id = $3) ORDER BY at_ms, id`,
	upsertResult: `INSERT INTO quiz_results (student, session_id, quiz_id, mode, correct, total, scaled, passed, at_ms)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
	ON CONFLICT (student, session_id, quiz_id) WHERE session_id <> '' DO UPDATE SET
		mode = excluded.mode, correct = excluded.correct, total = excluded.total,
		scaled = excluded.scaled, passed = excluded.passed, at_ms = excluded.at_ms`,
	results: `SELECT session_id, quiz_id, mode, correct, total, scaled, passed, at_ms
		FROM quiz_results WHERE student = $1 AND ($2 = '' OR quiz_id = $3) ORDER BY at_ms, id`,

	card: "SELECT " + cardCols + " FROM review_cards WHERE student = $1 AND question_id = $2",
	cardUpsert: `INSERT INTO review_cards (student, question_id, quiz_id, due_ms, stability, difficulty, elapsed_days,
		scheduled_days, reps, lapses, state, last_review_ms, updated_at_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (student, question_id) DO UPDATE SET ` + cardSet,
	dueCards: "SELECT " + cardCols + " FROM review_cards WHERE student = $1 AND due_ms <= $2 ORDER BY due_ms, question_id",
	countDue: "SELECT count(*) FROM review_cards WHERE student = $1 AND due_ms <= $2",
	nextDue:  "SELECT min(due_ms) FROM review_cards WHERE student = $1 AND due_ms > $2",
	allCards: "SELECT " + cardCols + " FROM review_cards WHERE student = $1 ORDER BY question_id",

	saveLab: `INSERT INTO labs (student, lab_id, steps_passed, completed_at_ms, solutions_shown, updated_at_ms)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (student, lab_id) DO UPDATE SET
				steps_passed = excluded.steps_passed,
				completed_at_ms = coalesce(labs.completed_at_ms, excluded.completed_at_ms),
				solutions_shown = excluded.solutions_shown,
				updated_at_ms = excluded.updated_at_ms`,
	labs: "SELECT lab_id, steps_passed, completed_at_ms, solutions_shown, updated_at_ms FROM labs WHERE student = $1",
	saveStep: `INSERT INTO lab_steps (student, lab_id, step, started_at_ms, passed_at_ms, spent_ms)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (student, lab_id, step) DO UPDATE SET
				started_at_ms = LEAST(lab_steps.started_at_ms, excluded.started_at_ms),
				passed_at_ms = LEAST(lab_steps.passed_at_ms, excluded.passed_at_ms),
				spent_ms = GREATEST(lab_steps.spent_ms, excluded.spent_ms)`,
	labSteps: "SELECT lab_id, step, started_at_ms, passed_at_ms, spent_ms FROM lab_steps WHERE student = $1 ORDER BY lab_id, step",

	domainStats: `SELECT domain, sum(correct), count(*) FROM quiz_attempts
		WHERE student = $1 AND domain <> '' GROUP BY domain`,

	importLesson: `INSERT INTO lessons (student, lesson_id, first_opened_ms, position, percent, read_at_ms, updated_at_ms)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (student, lesson_id) DO UPDATE SET
					first_opened_ms = LEAST(lessons.first_opened_ms, excluded.first_opened_ms),
					position = CASE WHEN excluded.updated_at_ms > lessons.updated_at_ms THEN excluded.position ELSE lessons.position END,
					percent = CASE WHEN excluded.updated_at_ms > lessons.updated_at_ms THEN excluded.percent ELSE lessons.percent END,
					read_at_ms = LEAST(lessons.read_at_ms, excluded.read_at_ms),
					updated_at_ms = GREATEST(lessons.updated_at_ms, excluded.updated_at_ms)`,
	importAttempt: `INSERT INTO quiz_attempts
				(student, session_id, quiz_id, question_id, mode, answer, domain, lesson_id, correct, taken_ms, at_ms)
				SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::integer, $10::bigint, $11::bigint
				WHERE NOT EXISTS (SELECT 1 FROM quiz_attempts WHERE student = $1 AND session_id = $2 AND quiz_id = $3
					AND question_id = $4 AND mode = $5 AND answer = $6 AND correct = $9 AND at_ms = $11)`,
	importResult: `INSERT INTO quiz_results (student, session_id, quiz_id, mode, correct, total, scaled, passed, at_ms)
					SELECT $1::text, '', $2::text, $3::text, $4::integer, $5::integer, $6::integer, $7::integer, $8::bigint
					WHERE NOT EXISTS (SELECT 1 FROM quiz_results WHERE student = $1 AND session_id = '' AND quiz_id = $2 AND mode = $3
						AND correct = $4 AND total = $5 AND scaled = $6 AND passed = $7 AND at_ms = $8)`,
	importLab: `INSERT INTO labs (student, lab_id, steps_passed, completed_at_ms, solutions_shown, updated_at_ms)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (student, lab_id) DO UPDATE SET
					steps_passed = GREATEST(labs.steps_passed, excluded.steps_passed),
					completed_at_ms = LEAST(labs.completed_at_ms, excluded.completed_at_ms),
					solutions_shown = GREATEST(labs.solutions_shown, excluded.solutions_shown),
					updated_at_ms = GREATEST(labs.updated_at_ms, excluded.updated_at_ms)`,
}
