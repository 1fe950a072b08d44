/**
 * A stand-in for the JDK's CRaC API, just enough for {@code org.crac} to hand it the function's checkpoint
 * hooks: the local runtime plays SnapStart's checkpoint and restore with it on JVMs that have no CRaC. It is
 * selected with the system property {@code org.crac.Core.Compat}, which {@code org.crac} reads for this.
 */
package io.github.stalekeys.localruntime.crac;
