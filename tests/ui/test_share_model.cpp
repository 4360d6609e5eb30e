// The window's local backend with the tiny random model (VISTAG_TINY_MODEL): loading can be
// cancelled from the status bar; every inference is logged with its prompt and latency; "share
// this model" serves the same loaded engine over HTTP (queried here with QNetworkAccessManager),
// and stopping frees the port.
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <memory>
#include <thread>

#include "ask_pane.h"
#include "log_panel.h"
#include "logging/app_log.h"
#include "main_window.h"
#include "scheduler/backend_controller.h"
#include "server/api_server.h"
#include "settings/app_settings.h"
#include "share_dialog.h"
#include "translations.h"
#include "vistag/inference/status.h"

namespace {

struct Reply {
    int status = 0;
    QByteArray body;
};

Reply httpCall(QNetworkAccessManager& nam, const QString& url, const QByteArray& key,
               const QByteArray& post = {}) {
    QNetworkRequest req{QUrl(url)};
    if (!key.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + key);
    QNetworkReply* r = nullptr;
    if (post.isEmpty()) {
        r = nam.get(req);
    } else {
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        r = nam.post(req, post);
    }
    QSignalSpy done(r, &QNetworkReply::finished);
    if (!r->isFinished())
        done.wait(120000);
    Reply out;
    out.status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = r->readAll();
    r->deleteLater();
    return out;
}

}  // namespace

class TestShareModel final : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp_;
    QTemporaryDir config_;
    QString image_;
    QString model_;

private slots:
    void initTestCase() {
        model_ = qEnvironmentVariable("VISTAG_TINY_MODEL");
        QVERIFY2(QFileInfo::exists(model_ + "/config.json"),
                 "the tiny model fixture (ctest: make_tiny_model) must run first");
        QCoreApplication::setOrganizationName(QStringLiteral("VistagTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_share_model"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, config_.path());
        QSettings().clear();
        QSettings().setValue(QStringLiteral("local/device"), QStringLiteral("cpu"));
        QVERIFY(vistag::logging::setup(tmp_.filePath(QStringLiteral("logs"))));
        image_ = tmp_.filePath(QStringLiteral("dress.png"));
        QImage img(320, 240, QImage::Format_RGB32);
        img.fill(qRgb(200, 80, 120));
        QVERIFY(img.save(image_));
    }

    void loadCanBeCancelledFromTheStatusBar() {
        vistag::ui::MainWindow w(tmp_.filePath(QStringLiteral("cancel.sqlite")));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy loaded(w.backend(), &vistag::backend::BackendController::modelLoaded);
        w.loadModel(model_);
        QVERIFY(w.cancelLoadButton()->isVisible());
        // Clicked before the worker has got far (the tokenizer alone takes longer than this).
        QTest::mouseClick(w.cancelLoadButton(), Qt::LeftButton);
        QVERIFY(loaded.wait(60000));
        QCOMPARE(loaded.first().at(0).toBool(), false);
        QCOMPARE(w.backend()->lastErrorCode(), int(vistag::inference::ErrorCode::Cancelled));
        QVERIFY(!w.backend()->hasModel());
        QVERIFY(!w.cancelLoadButton()->isVisible());
        // Not remembered as the last model.
        QVERIFY(vistag::settings::AppSettings::load().modelFolder.isEmpty());

        // Loading again works, and the folder is remembered for the next start. A load replaced
        // by a newer one reports nothing (the worker answers in order, so a stale answer would
        // arrive before the newer one's).
        loaded.clear();
        w.loadModel(model_);
        w.loadModel(model_);
        QVERIFY(loaded.wait(60000));
        QCOMPARE(loaded.size(), 1);
        QVERIFY2(loaded.first().at(0).toBool(), qPrintable(loaded.first().at(1).toString()));
        QCOMPARE(vistag::settings::AppSettings::load().modelFolder, model_);
        QCOMPARE(vistag::settings::AppSettings::load().backend,
                 vistag::settings::BackendKind::Local);
        {
            vistag::ui::MainWindow next(tmp_.filePath(QStringLiteral("next.sqlite")));
            QSignalSpy reloaded(next.backend(), &vistag::backend::BackendController::modelLoaded);
            QVERIFY(next.restoreLastBackend());
            QVERIFY(reloaded.wait(60000));
            QVERIFY(reloaded.first().at(0).toBool());
        }
    }

    void everyInferenceIsLoggedWithPromptAndLatency() {
        vistag::ui::MainWindow w(tmp_.filePath(QStringLiteral("log.sqlite")));
        QSignalSpy loaded(w.backend(), &vistag::backend::BackendController::modelLoaded);
        w.loadModel(model_);
        QVERIFY(loaded.wait(60000));
        QVERIFY(loaded.first().at(0).toBool());
        const QString prompt = QStringLiteral("日志测试：这件衣服是什么风格？ %1")
                                   .arg(QDateTime::currentMSecsSinceEpoch());
        w.askPane()->setImages({image_});
        w.askPane()->params.maxNewTokens = 8;
        w.askPane()->setPrompt(prompt);
        QSignalSpy done(w.askPane(), &vistag::ui::AskPane::finished);
        w.askPane()->askNow();
        QVERIFY(done.wait(60000));
        const auto r = done.first().at(0).value<vistag::backend::AskResult>();
        QVERIFY2(r.ok, qPrintable(r.error));
        vistag::logging::flush();
        QFile f(vistag::logging::logFilePath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QString line;
        for (const QString& l : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n')))
            if (l.contains(prompt))
                line = l;
        QVERIFY2(!line.isEmpty(), "no log line with the prompt");
        QVERIFY2(line.contains(QStringLiteral("backend=local")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("model=") + QFileInfo(model_).fileName()),
                 qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("images=[dress.png]")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("latency_ms=%1").arg(r.latencyMs, 0, 'f', 1)),
                 qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("answer=\"") + vistag::logging::clip(r.text, 400)),
                 qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("tokens=%1").arg(r.tokenIds.size())),
                 qPrintable(line));
    }

    void shareThisModelServesTheLoadedEngine() {
        vistag::ui::MainWindow w(tmp_.filePath(QStringLiteral("share.sqlite")));
        vistag::ui::ShareDialog* dialog = w.shareDialog();
        QVERIFY(!dialog->startButton()->isEnabled());  // no local model yet
        QSignalSpy loaded(w.backend(), &vistag::backend::BackendController::modelLoaded);
        w.loadModel(model_);
        QVERIFY(loaded.wait(60000));
        QVERIFY(loaded.first().at(0).toBool());
        QVERIFY(dialog->startButton()->isEnabled());

        // Binding wider than loopback without a key: a warning in words.
        dialog->show();
        dialog->hostEdit()->setText(QStringLiteral("0.0.0.0"));
        QVERIFY(dialog->warningLabel()->text().contains(QStringLiteral("no API key")));
        dialog->keyEdit()->setText(QStringLiteral("s3cret"));
        QVERIFY(dialog->warningLabel()->text().isEmpty());
        dialog->hostEdit()->setText(QStringLiteral("127.0.0.1"));
        dialog->portEdit()->setValue(0);  // any free port
        QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
        QVERIFY2(w.backend()->sharing(), qPrintable(dialog->statusText()));
        const QString base = w.backend()->sharingUrl();
        QCOMPARE(dialog->urlLabel()->text(), base);
        QVERIFY(dialog->stopButton()->isEnabled());
        QVERIFY(base.startsWith(QStringLiteral("http://127.0.0.1:")));
        const quint16 port = QUrl(base).port();
        QVERIFY(port > 0);
        QCOMPARE(vistag::settings::AppSettings::load().shareApiKey, QStringLiteral("s3cret"));
        const QString artifacts = qEnvironmentVariable("VISTAG_ARTIFACTS", QDir::tempPath());
        QTest::qWait(50);  // the layout catches up with the new status text
        QVERIFY(dialog->grab().save(artifacts + QStringLiteral("/share-dialog.png")));

        // The server does not live on the GUI thread: it answers while that thread is busy
        // (it would stay silent until the thread returned to its event loop otherwise).
        {
            std::atomic<bool> done{false};
            QByteArray answer;
            std::thread client([&] {
                QTcpSocket s;
                s.connectToHost(QHostAddress::LocalHost, port);
                if (s.waitForConnected(5000)) {
                    s.write("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
                    s.waitForBytesWritten(5000);
                    if (s.waitForReadyRead(5000))
                        answer = s.readAll();
                }
                done = true;
            });
            QElapsedTimer busy;
            busy.start();
            while (!done.load() && busy.elapsed() < 15000)
                QThread::msleep(5);  // the GUI thread serves no events meanwhile
            client.join();
            QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
        }

        QNetworkAccessManager nam;
        const QString root = base.left(base.size() - 3);  // without /v1
        Reply health = httpCall(nam, root + QStringLiteral("/health"), {});
        QCOMPARE(health.status, 200);
        QCOMPARE(httpCall(nam, base + QStringLiteral("/models"), "wrong").status, 401);
        Reply models = httpCall(nam, base + QStringLiteral("/models"), "s3cret");
        QCOMPARE(models.status, 200);
        QCOMPARE(QJsonDocument::fromJson(models.body)["data"][0]["id"].toString(),
                 QFileInfo(model_).fileName());

        // A chat completion with an image, greedy: the same text the window's own backend gives.
        QFile png(image_);
        QVERIFY(png.open(QIODevice::ReadOnly));
        const QByteArray dataUrl = "data:image/png;base64," + png.readAll().toBase64();
        const QString prompt = QStringLiteral("Describe this product.");
        QJsonObject body{
            {"model", QFileInfo(model_).fileName()},
            {"max_tokens", 10},
            {"temperature", 0},
            {"messages",
             QJsonArray{QJsonObject{
                 {"role", "user"},
                 {"content",
                  QJsonArray{QJsonObject{
                                 {"type", "image_url"},
                                 {"image_url", QJsonObject{{"url", QString::fromLatin1(dataUrl)}}}},
                             QJsonObject{{"type", "text"}, {"text", prompt}}}}}}}};
        Reply chat = httpCall(nam, base + QStringLiteral("/chat/completions"), "s3cret",
                              QJsonDocument(body).toJson(QJsonDocument::Compact));
        QCOMPARE(chat.status, 200);
        const QJsonObject answer = QJsonDocument::fromJson(chat.body).object();
        const QString served = answer["choices"][0]["message"]["content"].toString();
        QVERIFY2(!served.isEmpty(), chat.body.constData());
        const int completionTokens = answer["usage"]["completion_tokens"].toInt();
        QVERIFY2(completionTokens > 0 && completionTokens <= 10, chat.body.constData());

        w.askPane()->setImages({image_});
        w.askPane()->params.maxNewTokens = 10;
        // The same pixel budget: the shared server takes the window's settings.
        QCOMPARE(w.askPane()->params.maxPixels, w.settings().generation.maxPixels);
        w.askPane()->setPrompt(prompt);
        QSignalSpy done(w.askPane(), &vistag::ui::AskPane::finished);
        w.askPane()->askNow();  // the window's question on the same engine, while shared
        QVERIFY(done.wait(60000));
        const auto local = done.first().at(0).value<vistag::backend::AskResult>();
        QVERIFY2(local.ok, qPrintable(local.error));
        QCOMPARE(local.text, served);

        // Penalties in a request reach the engine: the served answer equals the window's own with
        // the same penalties, and differs from the answer without them.
        const auto serve = [&](double repetition, double presence) {
            QJsonObject b = body;
            b["max_tokens"] = 24;
            if (repetition != 1)
                b["repetition_penalty"] = repetition;
            if (presence != 0)
                b["presence_penalty"] = presence;
            const Reply r = httpCall(nam, base + QStringLiteral("/chat/completions"), "s3cret",
                                     QJsonDocument(b).toJson(QJsonDocument::Compact));
            return QJsonDocument::fromJson(r.body)["choices"][0]["message"]["content"].toString();
        };
        const QString plain = serve(1, 0);
        const QString penalised = serve(1.8, 1.5);
        QVERIFY(!penalised.isEmpty());
        QVERIFY2(penalised != plain, qPrintable(plain));
        w.askPane()->params.maxNewTokens = 24;
        w.askPane()->params.repetitionPenalty = 1.8;
        w.askPane()->params.presencePenalty = 1.5;
        QSignalSpy again(w.askPane(), &vistag::ui::AskPane::finished);
        w.askPane()->askNow();
        QVERIFY(again.wait(60000));
        QCOMPARE(again.first().at(0).value<vistag::backend::AskResult>().text, penalised);

        // The log panel shows the window's question and the shared server's request.
        w.resize(1366, 768);
        w.show();
        w.logDock()->show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTRY_VERIFY_WITH_TIMEOUT(
            w.logPanel()->text().contains(QStringLiteral("backend=shared-server")), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(
            w.logPanel()->text().contains(QStringLiteral("POST /v1/chat/completions 200")), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(w.logPanel()->text().contains(QStringLiteral("backend=local")),
                                 5000);
        QVERIFY(w.grab().save(artifacts + QStringLiteral("/log-panel-inference.png")));

        // Stop: the port is free again (another listener can take it).
        QTest::mouseClick(dialog->stopButton(), Qt::LeftButton);
        QVERIFY(!w.backend()->sharing());
        QVERIFY(dialog->urlLabel()->text().isEmpty());
        QTcpServer probe;
        QVERIFY2(probe.listen(QHostAddress::LocalHost, port), qPrintable(probe.errorString()));
        probe.close();
        QVERIFY(httpCall(nam, root + QStringLiteral("/health"), {}).status != 200);
    }

    // A new interface language retranslates the window; the loaded model stays loaded (the same
    // engine, no second load) and answers in the same window.
    void aNewLanguageKeepsTheLoadedModel() {
        QPointer<vistag::ui::MainWindow> w =
            new vistag::ui::MainWindow(tmp_.filePath(QStringLiteral("relang.sqlite")));
        std::unique_ptr<vistag::ui::MainWindow> owner(w.data());
        QSignalSpy loaded(w->backend(), &vistag::backend::BackendController::modelLoaded);
        QSignalSpy progress(w->backend(), &vistag::backend::BackendController::loadProgress);
        w->loadModel(model_);
        QVERIFY(loaded.wait(60000));
        QVERIFY(loaded.first().at(0).toBool());
        progress.clear();
        vistag::settings::AppSettings s = w->settings();
        s.language = QStringLiteral("zh_CN");
        w->applySettings(s);
        QTRY_COMPARE(w->menuBar()->actions().first()->text(), QStringLiteral("文件(&F)"));
        QTest::qWait(1000);  // a reload would have started by now
        QVERIFY(w);
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(progress.size(), 0);
        QVERIFY(w->backend()->hasModel());
        QCOMPARE(w->backend()->modelId(), QFileInfo(model_).fileName());
        vistag::ui::installTranslations(*qApp, QStringLiteral("en"));
        s.language = QStringLiteral("en");
        s.save();
    }

    void loadingAnotherModelStopsSharing() {
        vistag::ui::MainWindow w(tmp_.filePath(QStringLiteral("share2.sqlite")));
        QSignalSpy loaded(w.backend(), &vistag::backend::BackendController::modelLoaded);
        w.loadModel(model_);
        QVERIFY(loaded.wait(60000));
        vistag::server::ServerOptions o;
        o.port = 0;
        QString error;
        QVERIFY2(w.backend()->startSharing(o, &error), qPrintable(error));
        QSignalSpy sharing(w.backend(), &vistag::backend::BackendController::sharingChanged);
        w.loadModel(model_);
        QCOMPARE(sharing.size(), 1);
        QCOMPARE(sharing.first().at(0).toBool(), false);
        QVERIFY(loaded.wait(60000));
    }
};

QTEST_MAIN(TestShareModel)
#include "test_share_model.moc"
