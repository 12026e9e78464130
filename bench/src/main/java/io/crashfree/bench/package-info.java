/**
 * JMH benchmarks, one {@code …Benchmark} class per subject, each with a baseline beside the candidate.
 * Run with {@code bin/crashfree bench <regex> [-prof gc]}; figures go to BENCHMARKS.md with their command.
 */
package io.crashfree.bench;
