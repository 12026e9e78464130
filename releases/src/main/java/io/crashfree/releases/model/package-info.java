/**
 * The registry's domain values: releases, commits, files changed, authors, deploys, repositories. Immutable records,
 * built by the registry from the database and turned into Sentry's JSON shapes by {@code io.crashfree.releases.json}.
 * Times are epoch milliseconds.
 */
package io.crashfree.releases.model;
