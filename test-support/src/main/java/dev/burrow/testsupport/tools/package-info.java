/**
 * Third-party software on both ends of a tunnel, for the conformance tests: upstreams (nginx, python3 -m http.server,
 * node scripts, sshd) started from temporary directories on ports from the OS and stopped by PID, and clients (curl,
 * wrk, node ws, ssh/scp) run to their end with their output digested. A missing program skips the test with the name
 * of the CI script that installs it.
 */
package dev.burrow.testsupport.tools;
