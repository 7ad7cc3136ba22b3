// SecretBox: AES-256-GCM credentials at rest, its key from TF_SECRET_KEY or a 0600 key file.
#include "core/errors.h"
#include "core/secretbox.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>
#include <sys/stat.h>

using namespace Qt::StringLiterals;
using tf::SecretBox;

namespace {

const QString kDecryptMessage = u"credentials cannot be decrypted: wrong key or damaged data"_s;

QByteArray keyOf(char fill)
{
    return QByteArray(SecretBox::kKeySize, fill);
}

// Sets TF_SECRET_KEY for one scope and restores what was there.
class ScopedKeyVariable final
{
public:
    explicit ScopedKeyVariable(const QByteArray &value)
        : m_had(qEnvironmentVariableIsSet("TF_SECRET_KEY"))
        , m_old(qgetenv("TF_SECRET_KEY"))
    {
        qputenv("TF_SECRET_KEY", value);
    }
    ~ScopedKeyVariable()
    {
        if (m_had)
            qputenv("TF_SECRET_KEY", m_old);
        else
            qunsetenv("TF_SECRET_KEY");
    }

private:
    bool m_had;
    QByteArray m_old;
};

} // namespace

class TestSecretBox final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void roundTrip_data();
    void roundTrip();
    void formatIsVersionNonceCiphertextTag();
    void nonceIsFreshForEveryMessage();
    void everyTamperedByteIsDetected();
    void truncatedDataIsRejected();
    void wrongKeyIsRejected();
    void keyMustBe32Bytes();

    void keyFileIsCreated0600AndReused();
    void keyFileReadableByOthersIsRefused_data();
    void keyFileReadableByOthersIsRefused();
    void damagedKeyFileIsRefused();
    void environmentKeyFormats_data();
    void environmentKeyFormats();
    void environmentKeyWinsOverKeyFile();
    void movedBoxStillWorks();

private:
    static void expectDecryptFailure(const SecretBox &box, const QByteArray &sealed);
};

void TestSecretBox::initTestCase()
{
    qunsetenv("TF_SECRET_KEY");
    umask(022); // the ordinary umask: the key file must be 0600 regardless
}

void TestSecretBox::expectDecryptFailure(const SecretBox &box, const QByteArray &sealed)
{
    try {
        box.open(sealed);
        QFAIL("open() accepted damaged data");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QCOMPARE(error.message(), kDecryptMessage);
    }
}

void TestSecretBox::roundTrip_data()
{
    QTest::addColumn<QByteArray>("plaintext");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("json") << QByteArray(R"({"password":"s3cr3t","user":"sync"})");
    QTest::newRow("binary") << QByteArray("\x00\x01\xff\x80 zero inside", 16);
    QTest::newRow("large") << QByteArray(100000, 'x');
}

void TestSecretBox::roundTrip()
{
    QFETCH(QByteArray, plaintext);
    const SecretBox box(keyOf('k'));
    const QByteArray sealed = box.seal(plaintext);
    QCOMPARE(sealed.size(), plaintext.size() + SecretBox::kOverhead);
    QCOMPARE(box.open(sealed), plaintext);
}

void TestSecretBox::formatIsVersionNonceCiphertextTag()
{
    const SecretBox box(keyOf('k'));
    const QByteArray plaintext("password=hunter2");
    const QByteArray sealed = box.seal(plaintext);
    QCOMPARE(sealed.size(), 1 + 12 + plaintext.size() + 16);
    QCOMPARE(sealed.at(0), char(0x01));
    QVERIFY(!sealed.contains(plaintext));
    QVERIFY(!sealed.contains("hunter2"));
}

void TestSecretBox::nonceIsFreshForEveryMessage()
{
    const SecretBox box(keyOf('k'));
    QSet<QByteArray> nonces;
    QSet<QByteArray> sealedTexts;
    for (int i = 0; i < 200; ++i) {
        const QByteArray sealed = box.seal("same message");
        nonces.insert(sealed.mid(1, SecretBox::kNonceSize));
        sealedTexts.insert(sealed);
    }
    QCOMPARE(nonces.size(), 200);
    QCOMPARE(sealedTexts.size(), 200);
}

void TestSecretBox::everyTamperedByteIsDetected()
{
    const SecretBox box(keyOf('k'));
    const QByteArray sealed = box.seal(R"({"password":"s3cr3t"})");
    // Version byte, nonce, ciphertext and tag: a flipped bit anywhere is caught.
    for (int i = 0; i < sealed.size(); ++i) {
        QByteArray tampered = sealed;
        tampered[i] = char(tampered.at(i) ^ 0x01);
        expectDecryptFailure(box, tampered);
    }
    expectDecryptFailure(box, sealed + QByteArray("x"));
}

void TestSecretBox::truncatedDataIsRejected()
{
    const SecretBox box(keyOf('k'));
    const QByteArray sealed = box.seal("abc");
    expectDecryptFailure(box, QByteArray());
    expectDecryptFailure(box, sealed.left(1));
    expectDecryptFailure(box, sealed.left(SecretBox::kOverhead - 1));
    expectDecryptFailure(box, sealed.left(sealed.size() - 1));
    expectDecryptFailure(box, QByteArray(SecretBox::kOverhead, '\x01'));
}

void TestSecretBox::wrongKeyIsRejected()
{
    const SecretBox writer(keyOf('a'));
    QByteArray otherKey = keyOf('a');
    otherKey[31] = 'b'; // one bit of difference is enough
    const SecretBox reader(otherKey);
    expectDecryptFailure(reader, writer.seal("secret"));
    expectDecryptFailure(reader, writer.seal(QByteArray()));
}

void TestSecretBox::keyMustBe32Bytes()
{
    for (const int size : { 0, 16, 31, 33, 64 }) {
        try {
            SecretBox box(QByteArray(size, 'k'));
            QFAIL("a key of the wrong size was accepted");
        } catch (const tf::Error &error) {
            QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        }
    }
}

void TestSecretBox::keyFileIsCreated0600AndReused()
{
    QTemporaryDir dir;
    const QString dataDir = dir.filePath(u"data"_s);
    const QString path = SecretBox::keyFilePath(dataDir);
    QVERIFY(!QFile::exists(path));

    const SecretBox first = SecretBox::fromEnvironmentOrKeyFile(dataDir);
    QVERIFY(QFile::exists(path));
    struct stat info
    {
    };
    QCOMPARE(stat(QFile::encodeName(path).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, mode_t(0600));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray key = file.readAll();
    QCOMPARE(key.size(), 32);
    QVERIFY(key != QByteArray(32, '\0'));
    file.close();
    // No temporary file is left behind.
    QCOMPARE(QDir(dataDir).entryList(QDir::Files | QDir::Hidden), QStringList { u"secret.key"_s });

    const QByteArray sealed = first.seal("kept across restarts");
    const SecretBox second = SecretBox::fromEnvironmentOrKeyFile(dataDir);
    QCOMPARE(second.open(sealed), QByteArray("kept across restarts"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), key); // reused, not regenerated

    // A different data directory means a different key.
    const SecretBox other = SecretBox::fromEnvironmentOrKeyFile(dir.filePath(u"other"_s));
    expectDecryptFailure(other, sealed);
}

void TestSecretBox::keyFileReadableByOthersIsRefused_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("0640") << 0640;
    QTest::newRow("0604") << 0604;
    QTest::newRow("0644") << 0644;
    QTest::newRow("0620") << 0620;
}

void TestSecretBox::keyFileReadableByOthersIsRefused()
{
    QFETCH(int, mode);
    QTemporaryDir dir;
    {
        const SecretBox created = SecretBox::fromEnvironmentOrKeyFile(dir.path());
    }
    const QString path = SecretBox::keyFilePath(dir.path());
    QCOMPARE(chmod(QFile::encodeName(path).constData(), mode_t(mode)), 0);
    try {
        SecretBox::fromEnvironmentOrKeyFile(dir.path());
        QFAIL("a key file readable by others was used");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QVERIFY2(error.message().contains(path), qPrintable(error.message()));
        QVERIFY2(error.message().contains(QLatin1String("chmod 600")), qPrintable(error.message()));
    }
}

void TestSecretBox::damagedKeyFileIsRefused()
{
    QTemporaryDir dir;
    const QString path = SecretBox::keyFilePath(dir.path());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("too short");
    file.close();
    QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    try {
        SecretBox::fromEnvironmentOrKeyFile(dir.path());
        QFAIL("a damaged key file was used");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QVERIFY(error.message().contains(QLatin1String("damaged")));
    }
    QCOMPARE(file.size(), qint64(9)); // never overwritten: that would lose every credential
}

void TestSecretBox::environmentKeyFormats_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("valid");
    const QByteArray key
        = QByteArray::fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    QTest::newRow("hex lower") << key.toHex() << true;
    QTest::newRow("hex upper") << key.toHex().toUpper() << true;
    QTest::newRow("hex with spaces around") << QByteArray("  " + key.toHex() + "\n") << true;
    QTest::newRow("base64") << key.toBase64() << true;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("hex 62") << key.toHex().left(62) << false;
    QTest::newRow("hex 66") << QByteArray(key.toHex() + "00") << false;
    QTest::newRow("hex with g") << QByteArray("g" + key.toHex().mid(1)) << false;
    QTest::newRow("base64 of 31 bytes") << key.left(31).toBase64() << false;
    QTest::newRow("base64 of 33 bytes") << QByteArray(key + "x").toBase64() << false;
    QTest::newRow("base64 without padding") << key.toBase64().left(43) << false;
    QTest::newRow("base64url")
        << QByteArray::fromHex("fbff" + QByteArray(60, 'f')).toBase64(QByteArray::Base64UrlEncoding)
        << false;
    QTest::newRow("passphrase") << QByteArray("correct horse battery staple") << false;
}

void TestSecretBox::environmentKeyFormats()
{
    QFETCH(QByteArray, value);
    QFETCH(bool, valid);
    QTemporaryDir dir;
    const ScopedKeyVariable variable(value);
    const QByteArray key
        = QByteArray::fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    try {
        const SecretBox box = SecretBox::fromEnvironmentOrKeyFile(dir.path());
        QVERIFY2(valid, "a malformed TF_SECRET_KEY was accepted");
        // The same key as a box built from the raw bytes.
        QCOMPARE(SecretBox(key).open(box.seal("x")), QByteArray("x"));
    } catch (const tf::Error &error) {
        QVERIFY2(!valid, qPrintable(error.message()));
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QVERIFY(error.message().contains(QLatin1String("TF_SECRET_KEY")));
        const QByteArray everything = error.message().toUtf8()
            + QJsonDocument(error.details()).toJson(QJsonDocument::Compact);
        if (value.trimmed().size() >= 4)
            QVERIFY2(!everything.contains(value.trimmed()), "the error repeats the key");
    }
    // The environment key never falls back to, or creates, a key file.
    QVERIFY(!QFile::exists(SecretBox::keyFilePath(dir.path())));
}

void TestSecretBox::environmentKeyWinsOverKeyFile()
{
    QTemporaryDir dir;
    const SecretBox fileBox = SecretBox::fromEnvironmentOrKeyFile(dir.path());
    const ScopedKeyVariable variable(QByteArray(64, 'a'));
    const SecretBox environmentBox = SecretBox::fromEnvironmentOrKeyFile(dir.path());
    QCOMPARE(SecretBox(QByteArray::fromHex(QByteArray(64, 'a'))).open(environmentBox.seal("y")),
             QByteArray("y"));
    expectDecryptFailure(fileBox, environmentBox.seal("y"));
}

void TestSecretBox::movedBoxStillWorks()
{
    SecretBox original(keyOf('m'));
    const QByteArray sealed = original.seal("moved");
    const SecretBox moved(std::move(original));
    QCOMPARE(moved.open(sealed), QByteArray("moved"));
    // The moved-from box holds no key at all, not even an all-zero one it could encrypt with.
    for (const auto &use : { std::function<void()>([&] { original.open(sealed); }),
                             std::function<void()>([&] { original.seal("x"); }) }) {
        try {
            use();
            QFAIL("a moved-from box was used");
        } catch (const tf::Error &error) {
            QCOMPARE(error.kind(), tf::Error::Kind::Internal);
        }
    }
}

QTEST_GUILESS_MAIN(TestSecretBox)
#include "tst_secretbox.moc"
