import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.server.CommunityBootstrapper;

/**
 * Runs a Neo4j Community server, or its admin tool, from the Maven jars on the class path.
 *
 * <pre>
 *   java -cp 'lib/*:plugins/*' Neo4jLauncher.java serve HOME    (the password on standard input)
 *   java -cp 'lib/*:plugins/*' Neo4jLauncher.java admin HOME ARGS...   (neo4j-admin ARGS)
 * </pre>
 *
 * HOME holds conf/neo4j.conf (written by platform/engines/neo4j_community.py), data/ and logs/.
 * On the first start the password read from standard input becomes the user neo4j's, so it
 * never appears on a command line. The server stops cleanly on SIGTERM (Neo4j's own handler).
 */
public class Neo4jLauncher {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Neo4jLauncher serve|admin HOME [ARGS...]");
            System.exit(2);
        }
        Path home = Path.of(args[1]).toAbsolutePath();
        ExecutionContext context = new ExecutionContext(home, home.resolve("conf"));
        if (args[0].equals("admin")) {
            System.exit(AdminTool.execute(context, Arrays.copyOfRange(args, 2, args.length)));
        }
        String password = new String(System.in.readAllBytes()).strip();
        if (!Files.exists(home.resolve("data/databases/system"))) {
            // "--": a generated password may start with "-", which would be read as an option.
            int code = AdminTool.execute(context, "dbms", "set-initial-password", "--", password);
            if (code != 0) {
                System.exit(code);
            }
        }
        int code = new CommunityBootstrapper().start(home, home.resolve("conf/neo4j.conf"), Map.of(), false, true);
        if (code != 0) {
            System.exit(code);
        }
        Thread.currentThread().join();
    }
}
