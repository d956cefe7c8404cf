package dev.linx.user;

/** Runs a call that must fail, and returns the failure for assertions on its fields. */
public final class Expect {

    private Expect() {
    }

    /** The kernel rejection the call raised; fails the test if the kernel accepted it. */
    public static UserNamespaceException rejection(Runnable call) {
        try {
            call.run();
        } catch (UserNamespaceException e) {
            return e;
        }
        throw new AssertionError("the kernel accepted the call");
    }

    /** The reason of the caller mistake the call raised; fails the test if the input was accepted. */
    public static InvalidMappingException.Reason invalid(Runnable call) {
        try {
            call.run();
        } catch (InvalidMappingException e) {
            return e.reason();
        }
        throw new AssertionError("the input was accepted");
    }
}
