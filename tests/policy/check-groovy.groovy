// Parses (compiles, never runs) each file given: a syntax check of a
// generated Jenkinsfile.  Exit 1 on the first file that does not parse.
def shell = new GroovyShell()
for (f in args) {
    try {
        shell.parse(new File(f))
        println "${f}: ok"
    } catch (org.codehaus.groovy.control.CompilationFailedException e) {
        System.err.println "${f}: ${e.message}"
        System.exit(1)
    }
}
