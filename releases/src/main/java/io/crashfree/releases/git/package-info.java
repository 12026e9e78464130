/**
 * The repository integration without a hosted provider: commit ranges resolved by reading git repositories with
 * JGit, local paths in place and remote URLs through a bare clone in the data directory. Control-plane threads only.
 */
package io.crashfree.releases.git;
