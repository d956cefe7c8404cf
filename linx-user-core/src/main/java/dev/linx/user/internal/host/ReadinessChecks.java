package dev.linx.user.internal.host;

import dev.linx.user.HostReadiness.Check;
import dev.linx.user.HostReadiness.Finding;
import dev.linx.user.HostReadiness.Status;
import dev.linx.user.IdRange;
import dev.linx.user.SubordinateIds;
import dev.linx.user.internal.sys.Credentials;
import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.Syscalls;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The checks behind {@link dev.linx.user.HostReadiness}: each reads its evidence and decides, one method per check. */
public final class ReadinessChecks {

    /** {@code PROC_USER_INIT_INO}: the initial user namespace's inode number, fixed in the kernel. */
    static final long INITIAL_USER_NS_INODE = 0xEFFFFFFDL;

    private final Path root;
    private final Credentials self;

    private ReadinessChecks(Path root, Credentials self) {
        this.root = root;
        this.self = self;
    }

    /** Runs every check, reading files under {@code root}, for this process's credentials. */
    public static List<Finding> run(Path root) {
        ReadinessChecks checks = new ReadinessChecks(root, Credentials.current());
        Passwd.Entry user = Passwd.byUid(checks.file("/etc/passwd"), checks.self.euid())
                .orElse(new Passwd.Entry(null, checks.self.euid(), checks.self.egid()));
        List<Finding> findings = new ArrayList<>();
        findings.add(checks.userNamespaces());
        findings.add(checks.maxUserNamespaces());
        findings.add(checks.unprivilegedClone());
        findings.add(checks.appArmor());
        findings.add(SeccompStatus.finding(checks.file(SeccompStatus.THREAD_STATUS)));
        findings.add(checks.nesting());
        findings.add(OwnIdentity.of(root, checks.self).finding());
        findings.add(checks.launchHelper(Check.UNSHARE, HelperPrograms.UNSHARE, Status.FAIL,
                "no child can be started in new namespaces",
                "install util-linux (Debian/Ubuntu: apt-get install util-linux)"));
        // Only a warning: the common launches (root inside on this process's own ids) do not need it.
        findings.add(checks.launchHelper(Check.SETPRIV, HelperPrograms.SETPRIV, Status.WARN,
                "a child that runs as other host ids (hostIdentity, or a launcher whose root inside is not this"
                        + " process's own uid and gid, such as the subordinate-id layout) cannot be started",
                "install util-linux, which ships setpriv"));
        findings.add(checks.helper(Check.NEWUIDMAP, HelperPrograms.NEWUIDMAP, Credentials.CAP_SETUID));
        findings.add(checks.helper(Check.NEWGIDMAP, HelperPrograms.NEWGIDMAP, Credentials.CAP_SETGID));
        findings.add(checks.ranges(Check.SUBUID, "uid", user, user.uid(), Credentials.CAP_SETUID));
        findings.add(checks.ranges(Check.SUBGID, "gid", user, user.gid(), Credentials.CAP_SETGID));
        return findings;
    }

    private Finding userNamespaces() {
        Path ns = file("/proc/self/ns/user");
        if (Files.exists(ns, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return new Finding(Check.USER_NAMESPACES, Status.OK, ns + " exists", "");
        }
        return new Finding(Check.USER_NAMESPACES, Status.FAIL, ns + " does not exist: no user namespaces in this kernel",
                "run a kernel built with CONFIG_USER_NS=y");
    }

    private Finding maxUserNamespaces() {
        Path knob = file("/proc/sys/user/max_user_namespaces");
        Optional<String> value = ProcText.read(knob);
        if (value.isEmpty()) {
            return new Finding(Check.MAX_USER_NAMESPACES, Status.SKIPPED, knob + " does not exist", "");
        }
        String evidence = knob + " = " + value.get();
        if (value.get().equals("0")) {
            return new Finding(Check.MAX_USER_NAMESPACES, Status.FAIL,
                    evidence + ": no new user namespace may be created in this namespace (unshare fails with ENOSPC)",
                    "sysctl -w user.max_user_namespaces=15000 (the limit is per user namespace: raise it where it"
                            + " was lowered)");
        }
        return new Finding(Check.MAX_USER_NAMESPACES, Status.OK, evidence, "");
    }

    private Finding unprivilegedClone() {
        Path knob = file("/proc/sys/kernel/unprivileged_userns_clone");
        Optional<String> value = ProcText.read(knob);
        if (value.isEmpty()) {
            return new Finding(Check.UNPRIVILEGED_USERNS_CLONE, Status.SKIPPED,
                    knob + " does not exist (a kernel without Debian's patch)", "");
        }
        String evidence = knob + " = " + value.get();
        if (!value.get().equals("0")) {
            return new Finding(Check.UNPRIVILEGED_USERNS_CLONE, Status.OK, evidence, "");
        }
        String fix = "sysctl -w kernel.unprivileged_userns_clone=1";
        return privileged()
                ? new Finding(Check.UNPRIVILEGED_USERNS_CLONE, Status.WARN,
                        evidence + ": this process has CAP_SYS_ADMIN and is not affected, unprivileged users are", fix)
                : new Finding(Check.UNPRIVILEGED_USERNS_CLONE, Status.FAIL,
                        evidence + ": unprivileged processes may not create user namespaces (EPERM)", fix);
    }

    private Finding appArmor() {
        Path knob = file("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
        Optional<String> value = ProcText.read(knob);
        if (value.isEmpty()) {
            return new Finding(Check.APPARMOR_RESTRICT_UNPRIVILEGED_USERNS, Status.SKIPPED,
                    knob + " does not exist (no AppArmor user-namespace restriction in this kernel)", "");
        }
        String evidence = knob + " = " + value.get();
        if (!value.get().equals("1")) {
            return new Finding(Check.APPARMOR_RESTRICT_UNPRIVILEGED_USERNS, Status.OK, evidence, "");
        }
        String fix = "give the program an AppArmor profile with the 'userns,' rule, or"
                + " sysctl -w kernel.apparmor_restrict_unprivileged_userns=0";
        return privileged()
                ? new Finding(Check.APPARMOR_RESTRICT_UNPRIVILEGED_USERNS, Status.WARN,
                        evidence + ": this process has CAP_SYS_ADMIN and is not affected, unprivileged users are", fix)
                : new Finding(Check.APPARMOR_RESTRICT_UNPRIVILEGED_USERNS, Status.FAIL, evidence + ": an"
                        + " unprivileged user namespace is created, but without capabilities in it, so writing its"
                        + " maps then fails with EPERM", fix);
    }

    private Finding nesting() {
        Path ns = file("/proc/self/ns/user");
        String link;
        try {
            // Plain file I/O, not the FFM linker: the report runs as applications start, and the link's target is
            // all that is needed, not an errno.
            link = Files.readSymbolicLink(ns).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return new Finding(Check.NESTING, Status.SKIPPED, ns + " cannot be read", "");
        }
        String map = ProcText.read(file("/proc/self/uid_map")).map(ReadinessChecks::compact).orElse("unreadable");
        String evidence = ns + " -> " + link + ", uid_map " + map;
        long inode = inode(link);
        if (inode == INITIAL_USER_NS_INODE) {
            return new Finding(Check.NESTING, Status.OK, evidence + ": the initial user namespace (depth 0)", "");
        }
        // The kernel hides a namespace's ancestors from the processes in it (NS_GET_PARENT answers EPERM), so from
        // inside only "at least one level" is provable.
        return new Finding(Check.NESTING, Status.WARN, evidence + ": a nested user namespace, depth 1 or more"
                + " (ancestors are not visible from inside)", "maps may use only ids this namespace has (its uid_map"
                + " above), and nesting stops at 32 levels; run in the initial namespace for the full id space");
    }

    /**
     * A util-linux program the launches run: OK with its path when installed, otherwise {@code missing} with what
     * cannot work without it.
     */
    private Finding launchHelper(Check check, String name, Status missing, String withoutIt, String fix) {
        Optional<Path> found = HelperPrograms.find(name, root);
        if (found.isPresent()) {
            return new Finding(check, Status.OK, found.get() + " is installed", "");
        }
        return new Finding(check, missing, name + " is not installed (not on the PATH nor in "
                + HelperPrograms.SYSTEM_DIRECTORIES + "): " + withoutIt, fix);
    }

    private Finding helper(Check check, String name, int capability) {
        Optional<Path> found = HelperPrograms.find(name, root);
        boolean needed = !self.has(capability);
        if (found.isEmpty()) {
            return needed
                    ? new Finding(check, Status.WARN, name + " is not installed: an unprivileged process can map only"
                            + " its own id", "install it (Debian/Ubuntu: apt-get install uidmap)")
                    : new Finding(check, Status.OK, name + " is not installed; not needed: this process maps any ids"
                            + " directly", "");
        }
        Path program = found.get();
        String privilege = privilegeOf(program);
        if (privilege != null) {
            return new Finding(check, Status.OK, program + ": " + privilege, "");
        }
        return new Finding(check, needed ? Status.WARN : Status.OK, program + " has neither setuid root nor file"
                + " capabilities: it cannot write maps" + (needed ? "" : "; not needed: this process maps directly"),
                needed ? "chmod u+s " + program + " (owned by root), or setcap cap_set" + name.substring(3, 6)
                        + "+ep " + program : "");
    }

    private Finding ranges(Check check, String kind, Passwd.Entry user, long own, int capability) {
        Path file = file("/etc/sub" + kind);
        String who = user.name() == null ? kind + " " + user.uid() : user.name() + " (" + user.uid() + ")";
        byte[] text;
        try {
            // Bytes, as the helpers read the file: a line that is not valid UTF-8 is no reason to call it unreadable.
            text = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            text = null;
        } catch (IOException e) {
            // Not a FAIL: the setuid helper reads the file whatever its mode, so maps may still work; but this
            // process cannot know its ranges, and SubordinateIds, the rootless layout with it, throws.
            return new Finding(check, Status.WARN, file + " cannot be read by this process (" + reason(e)
                    + modeOf(file) + "): the ranges of " + who + " are unknown here, and SubordinateIds cannot read"
                    + " them (new" + kind + "map, setuid root, still can)",
                    "chmod 644 " + file + " (shadow ships it readable by all: it holds no secret)");
        }
        List<IdRange> ranges = text == null ? List.of() : SubordinateIds.parse(text, user.name(),
                user.uid());
        if (ranges.isEmpty()) {
            String evidence = (text != null ? "no range for " + who + " in " + file : file + " does not exist");
            if (self.has(capability)) {
                return new Finding(check, Status.OK, evidence + "; not needed: this process maps any ids directly", "");
            }
            return new Finding(check, Status.WARN, evidence + ": only the own " + kind + " can be mapped",
                    "usermod --add-sub" + kind + "s 100000-165535 " + (user.name() == null ? "<user>" : user.name()));
        }
        long total = ranges.stream().mapToLong(IdRange::count).sum();
        String evidence = who + " in " + file + ": " + ranges.stream().map(Object::toString)
                .collect(Collectors.joining(", ")) + " (" + total + " ids)";
        Optional<IdRange> overlap = ranges.stream().filter(r -> r.contains(own)).findFirst();
        if (overlap.isPresent()) {
            return new Finding(check, Status.WARN, evidence + "; range " + overlap.get() + " contains the own " + kind
                    + " " + own + ": the rootless layout would map it twice (OVERLAPPING_RANGES)",
                    "move the range in " + file + " so it excludes " + own);
        }
        return new Finding(check, Status.OK, evidence, "");
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** {@code ", mode 600"}, or nothing when even the mode cannot be read. */
    private static String modeOf(Path file) {
        try {
            return ", mode " + Integer.toOctalString((Integer) Files.getAttribute(file, "unix:mode") & 07777);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "";
        }
    }

    /** How a helper is privileged: setuid root or file capabilities; {@code null} when neither. */
    private static String privilegeOf(Path program) {
        try {
            Map<String, Object> unix = Files.readAttributes(program, "unix:mode,uid");
            int mode = (Integer) unix.get("mode");
            if ((mode & 04000) != 0 && ((Integer) unix.get("uid")) == 0) {
                return "setuid root (mode " + Integer.toOctalString(mode & 07777) + ")";
            }
        } catch (IOException | UnsupportedOperationException e) {
            // A report never throws: unreadable attributes count as no setuid bit; capabilities are asked next.
        }
        try (Syscalls sys = Syscalls.open()) {
            long size = sys.xattrSize(program.toString(), "security.capability");
            return "file capabilities (security.capability, " + size + " bytes)";
        } catch (ErrnoException e) {
            // ENODATA: no capabilities; ENOTSUP: a file system without extended attributes.
            return null;
        }
    }

    private boolean privileged() {
        return self.has(Credentials.CAP_SYS_ADMIN);
    }

    private Path file(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    private static long inode(String link) {
        int open = link.indexOf('[');
        int close = link.indexOf(']');
        try {
            return open < 0 || close < open ? -1 : Long.parseLong(link.substring(open + 1, close));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A map's lines as {@code [0 0 4294967295, ...]}. */
    static String compact(String map) {
        return map.lines().map(line -> String.join(" ", line.strip().split("\\s+")))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
