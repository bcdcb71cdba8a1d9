// Package contenttest holds the tests that check the embedded course as a
// whole: every file validates, and every quiz answer that the simulator can
// compute agrees with what the simulator computes. It has no non-test code.
package contenttest
