// Runs after the consumer's build: what the build log must show besides success.
def log = new File(basedir, 'build.log').text
[
    'RequireUpperBoundDeps passed',
    'DependencyConvergence passed',
    'the missing-driver error names the artifact to add',
    'Bob received from alice: hello from the module path over netty (the default transport)',
    'ok: netty (the default transport) runs on its threads (parley-netty-...)',
    'Bob received from alice: hello from the module path over java-websocket',
    'ok: java-websocket runs on its threads (parley-jws-...)',
    'ok: a browser\'s JSON frames are parsed and answered over java-websocket',
    'ok: a browser\'s JSON frames are parsed and answered over netty (the default transport)',
    'ok: a signed JWT is accepted on the module path',
    'ok: the S3 blob store reads a HeadObject answer on the module path',
    'ok: the S3 request was signed and sent to the bucket',
    'ok: a missing S3 object is reported as absent',
    'Module path check passed',
    // The application has no SLF4J provider: SLF4J says so once...
    'No SLF4J providers were found',
].each { line ->
    assert log.contains(line): "the consumer's build log lacks: " + line
}
// ...and Flyway, which migrated the H2 file, stays silent instead of printing through
// java.util.logging.
assert !log.contains('org.flywaydb'): 'Flyway logged outside SLF4J'
// The Redis cluster bus runs where Redis does; in CI it must.
if (System.getenv('CI') == 'true' || !log.contains('skipped: no Redis')) {
    assert log.contains('ok: the message arrived unchanged over redis cluster bus')
}
// And the RabbitMQ event sink where RabbitMQ does.
if (System.getenv('CI') == 'true' || !log.contains('skipped: no RabbitMQ')) {
    assert log.contains('ok: the message arrived unchanged over rabbitmq event sink')
    assert log.contains('ok: the message\'s event reached RabbitMQ')
    assert log.contains('ok: the event is filed under message.stored.general')
}
// So does the store on PostgreSQL, in the run with its driver.
assert log.contains('ok: the PostgreSQL driver is on the module path when the application adds it')
if (System.getenv('CI') == 'true' || !log.contains('skipped: no PostgreSQL')) {
    assert log.contains('ok: the message arrived unchanged over postgresql store')
    assert log.contains('PostgreSQL check passed')
}
assert !log.contains('FAILED:')
return true
