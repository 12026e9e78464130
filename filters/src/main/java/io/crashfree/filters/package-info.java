/**
 * Session validation, normalization and inbound filters (release, IP, localhost, legacy browsers, web crawlers).
 * Runs on the event-loop thread between decoding and folding. The filters arrive with their own issue; this module
 * holds the place DESIGN.md gives them so the edge depends on it from the start.
 */
package io.crashfree.filters;
