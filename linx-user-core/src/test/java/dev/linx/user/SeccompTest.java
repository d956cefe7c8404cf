package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.testsupport.SeccompFilter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A JVM under a real seccomp filter that refuses {@code unshare(2)} with {@code EPERM}, installed on all its threads
 * as a container runtime installs Docker's default profile ({@link SeccompFilter}, {@link SeccompProbe}): readiness
 * reports the mode, and a launch the filter refuses names it as the likely cause. A JVM without a filter is
 * {@code HostReadinessTest.OnThisHost}.
 */
class SeccompTest {

    @RegisterExtension
    static final ProbeJvm.Copied jvm = new ProbeJvm.Copied();

    private static final String LIKELY_CAUSE = "(this thread runs under a seccomp filter (Seccomp: 2 (filter),"
            + " Seccomp_filters: 1 in /proc/thread-self/status), the likely cause: container profiles such as Docker's"
            + " and containerd's defaults refuse unshare(2) and clone(2) with CLONE_NEWUSER without CAP_SYS_ADMIN"
            + " (EPERM); run with a seccomp profile that allows unshare and clone with CLONE_NEWUSER";

    @Test
    void readinessReportsTheFilterAsAWarningThatNamesWhatItMayRefuse() throws Exception {
        List<String> lines = jvm.run(List.of(), SeccompProbe.class, "subordinate", "readiness");
        assertThat(lines).contains("seccomp warn | Seccomp: 2 (filter), Seccomp_filters: 1 in"
                + " /proc/thread-self/status: a seccomp filter may refuse unshare(2) and clone(2) with CLONE_NEWUSER"
                + " (the default profiles of Docker and containerd do without CAP_SYS_ADMIN); a launch then fails"
                + " with 'Operation not permitted', and the filter is the likely cause | if launches fail: run with a"
                + " seccomp profile that allows unshare and clone with CLONE_NEWUSER (Kubernetes:"
                + " securityContext.seccompProfile of type Localhost with such a profile; Docker: --security-opt"
                + " seccomp=<profile>)");
        assertThat(lines).contains("ready true");
    }

    @Test
    void aParkTheFilterRefusesNamesTheFilterAsTheLikelyCause() throws Exception {
        List<String> lines = jvm.run(List.of(), SeccompProbe.class, "pod", "park");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("failed the namespace helper failed before the"
                + " checkpoint (exit status 1): unshare: unshare failed: Operation not permitted " + LIKELY_CAUSE));
        assertThat(lines).contains("cause IOException", "children-left 0");
    }

    @Test
    void aLaunchTheFilterRefusesNamesTheFilterAsTheLikelyCause() throws Exception {
        List<String> lines = jvm.run(List.of(), SeccompProbe.class, "pod", "launch");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains(LIKELY_CAUSE));
        assertThat(lines).contains("children-left 0");
    }
}
