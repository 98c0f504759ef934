package dev.burrow.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.util.List;

/**
 * When a test (or a {@code @BeforeAll}/{@code @BeforeEach}/{@code @AfterEach}) of the class fails, attaches the tail
 * of every edge, agent and other process the class started to the failure (as a suppressed exception, so it lands in
 * the surefire report next to the stack trace) and prints it to stderr.
 *
 * <pre>{@code @ExtendWith(ProcessLogsOnFailure.class) class MyE2ETest { ... }}</pre>
 */
public class ProcessLogsOnFailure implements BeforeAllCallback, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {

    private static final int TAIL_LINES = 60;
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ProcessLogsOnFailure.class);

    /** The tail of a process's output, attached to a failure. Not an error of its own. */
    public static final class ProcessOutput extends RuntimeException {
        ProcessOutput(String text) {
            super(text, null, false, false);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("first", ProcessRegistry.size());
    }

    private void attach(ExtensionContext context, Throwable failure) {
        Integer first = context.getStore(NS).get("first", Integer.class);
        if (first == null) {
            first = context.getParent().map(p -> p.getStore(NS).get("first", Integer.class)).orElse(0);
        }
        List<ManagedProcess> processes = ProcessRegistry.since(first == null ? 0 : first);
        if (processes.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("output of the processes started by ")
                .append(context.getRequiredTestClass().getSimpleName()).append(":\n");
        for (ManagedProcess p : processes) {
            sb.append(p.tail(TAIL_LINES));
        }
        System.err.println("==== " + context.getDisplayName() + " failed: " + failure + "\n" + sb);
        failure.addSuppressed(new ProcessOutput(sb.toString()));
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        attach(context, throwable);
        throw throwable;
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        attach(context, throwable);
        throw throwable;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        attach(context, throwable);
        throw throwable;
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        attach(context, throwable);
        throw throwable;
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        attach(context, throwable);
        throw throwable;
    }
}
