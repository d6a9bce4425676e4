import Foundation

/// A private CA and a certificate it signed for 127.0.0.1, made with openssl in `folder`: for
/// the TLS servers of the tests (the hub over HTTPS, the SMTP server's STARTTLS).
struct TestCertificates {
    var ca: String
    var certificate: String
    var key: String

    init(in folder: String) throws {
        func openssl(_ arguments: [String]) throws {
            let result = try ChildProcess.run(["openssl"] + arguments)
            guard result.status == 0 else { throw CLIHarness.HarnessError(message: "openssl \(arguments): \(result.stderr)") }
        }
        (ca, certificate, key) = (folder + "/ca.pem", folder + "/tls.pem", folder + "/tls.key")
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/ca.key", "-out", ca, "-days", "2", "-subj", "/CN=Mentor Test CA"])
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", folder + "/tls.csr", "-subj", "/CN=127.0.0.1"])
        try Data("subjectAltName=IP:127.0.0.1\n".utf8).write(to: URL(fileURLWithPath: folder + "/san.cnf"))
        try openssl(["x509", "-req", "-in", folder + "/tls.csr", "-CA", ca, "-CAkey", folder + "/ca.key", "-CAcreateserial",
                     "-out", certificate, "-days", "2", "-extfile", folder + "/san.cnf"])
    }
}
