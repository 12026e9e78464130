/**
 * The load generator and verifier: talks to a node over HTTP only. Arrives with its own issue.
 */
package io.crashfree.loadgen;
