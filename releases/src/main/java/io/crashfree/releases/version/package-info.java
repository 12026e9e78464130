/**
 * Release versions: the rules a version must follow at creation ({@link io.crashfree.releases.version.VersionRule})
 * and the reading of a version as Sentry shows it ({@link io.crashfree.releases.version.VersionInfoParser}). Pure
 * functions, no I/O.
 */
package io.crashfree.releases.version;
