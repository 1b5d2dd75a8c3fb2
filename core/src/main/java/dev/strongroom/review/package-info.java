/**
 * The periodic access review: for every secret of a room, who read it within a window and when it
 * was last read, when its CURRENT version was written and how old it is; for every KEK its primary
 * and minimum decryption version and its last creation or rotation in the log; and the findings
 * (secrets unused for N days, never read included; secrets whose CURRENT version is older than N
 * days; KEKs not created or rotated within N days by the log, or not at all in it).
 *
 * <p>Start from {@link dev.strongroom.review.Reviewer#review}. Reads come from the room's
 * JSON-lines audit log ({@link dev.strongroom.audit.AuditSinks#jsonLines}): its chain is verified
 * first with {@link dev.strongroom.audit.AuditVerifier}, and a log that does not verify is refused
 * with a {@link dev.strongroom.exception.TamperedException}; then the verified lines are read one
 * at a time (memory grows with the number of secrets, not with the log). A read is an event with
 * operation {@code read} and outcome {@code OK}; an aggregated line counts as {@code count} reads
 * between its {@code first} and {@code last} time. The report holds names, principals, times and
 * versions, never a secret value.
 */
@NullMarked
package dev.strongroom.review;

import org.jspecify.annotations.NullMarked;
