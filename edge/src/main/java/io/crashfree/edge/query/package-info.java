/**
 * The read API over HTTP: bearer-token auth, the sessions endpoint's parameters and error messages
 * ({@link io.crashfree.edge.query.SessionsParams}), and JSON rendering ({@link io.crashfree.edge.query.QueryService}).
 * Runs on the query threads, never on an event loop.
 */
package io.crashfree.edge.query;
