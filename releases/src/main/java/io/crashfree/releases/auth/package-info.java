/**
 * Registry authorization: bearer tokens with Sentry's scope names and the decision the HTTP layer asks for before
 * calling the registry. Pure, immutable, safe on any thread.
 */
package io.crashfree.releases.auth;
