/** Issues per release: rules on commit messages that resolve issues. */
package io.crashfree.releases.issues;
