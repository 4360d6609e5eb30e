#include "settings_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <cmath>
#include <functional>

#include "catalog/catalog_db.h"
#include "settings_taxonomy_page.h"
#include "shortcut_map.h"

namespace vistag::ui {
namespace {

QComboBox* choice(QWidget* parent, const QList<QPair<QString, QString>>& items,
                  const QString& value) {
    auto* box = new QComboBox(parent);
    for (const auto& [label, data] : items)
        box->addItem(label, data);
    const int i = box->findData(value);
    box->setCurrentIndex(i < 0 ? 0 : i);
    return box;
}

QString chosen(const QComboBox* box) {
    return box->currentData().toString();
}

// A path field with a button beside it that asks for the path (`pick` gets the field's text and
// returns the choice, "" when cancelled).
QHBoxLayout* withPicker(QLineEdit* field, const QString& button,
                        std::function<QString(const QString&)> pick) {
    auto* browse = new QPushButton(button, field->parentWidget());
    QObject::connect(browse, &QPushButton::clicked, field, [field, pick = std::move(pick)] {
        const QString chosen = pick(field->text());
        if (!chosen.isEmpty())
            field->setText(chosen);
    });
    auto* row = new QHBoxLayout;
    row->addWidget(field, 1);
    row->addWidget(browse);
    return row;
}

QLabel* note(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setStyleSheet(QStringLiteral("color: palette(mid);"));
    return l;
}

}  // namespace

SettingsDialog::SettingsDialog(const settings::AppSettings& current, ShortcutMap* shortcuts,
                               QWidget* parent)
    : QDialog(parent), base_(current), shortcuts_(shortcuts) {
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    tabs_ = new QTabWidget(this);
    tabs_->addTab(buildModelTab(current), tr("Model"));
    tabs_->addTab(buildGenerationTab(current), tr("Generation"));
    tabs_->addTab(buildServerTab(current), tr("Server"));
    tabs_->addTab(buildCatalogueTab(current), tr("Catalogue"));
    tabs_->addTab(buildInterfaceTab(current), tr("Interface"));
    if (shortcuts_)
        tabs_->addTab(buildShortcutsTab(), tr("Shortcuts"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* col = new QVBoxLayout(this);
    col->addWidget(tabs_);
    col->addWidget(buttons);
    resize(640, 520);
}

QWidget* SettingsDialog::buildModelTab(const settings::AppSettings& s) {
    auto* page = new QWidget(this);
    backend_ = choice(page,
                      {{tr("A model folder on this computer"), QStringLiteral("local")},
                       {tr("An inference server (OpenAI-compatible)"), QStringLiteral("server")}},
                      settings::backendKindName(s.backend));
    backend_->setObjectName(QStringLiteral("backendChoice"));
    modelFolder_ = new QLineEdit(s.modelFolder, page);
    modelFolder_->setObjectName(QStringLiteral("modelFolder"));
    modelFolder_->setPlaceholderText(tr("a Qwen3-VL folder in Hugging Face layout"));
    auto* folderRow = withPicker(modelFolder_, tr("Browse…"), [this](const QString& current) {
        return QFileDialog::getExistingDirectory(this, tr("Choose a Qwen3-VL model folder"),
                                                 current.isEmpty() ? QDir::homePath() : current);
    });
    device_ = choice(page,
                     {{tr("Automatic (GPU if there is one)"), QStringLiteral("auto")},
                      {tr("CPU"), QStringLiteral("cpu")},
                      {tr("GPU (CUDA)"), QStringLiteral("cuda")}},
                     s.device);
    device_->setObjectName(QStringLiteral("device"));
    dtype_ = choice(page,
                    {{tr("Automatic"), QStringLiteral("auto")},
                     {QStringLiteral("float32"), QStringLiteral("float32")},
                     {QStringLiteral("bfloat16"), QStringLiteral("bfloat16")},
                     {QStringLiteral("float16"), QStringLiteral("float16")}},
                    s.dtype);
    dtype_->setObjectName(QStringLiteral("dtype"));
    auto* form = new QFormLayout(page);
    form->addRow(tr("Backend"), backend_);
    form->addRow(tr("Model folder"), folderRow);
    form->addRow(tr("Device"), device_);
    form->addRow(tr("Precision"), dtype_);
    form->addRow(note(tr("Automatic precision uses bfloat16 on a GPU and float32 on the CPU. "
                         "Vistag reopens this model (or the server) when it starts."),
                      page));
    return page;
}

QWidget* SettingsDialog::buildGenerationTab(const settings::AppSettings& s) {
    auto* page = new QWidget(this);
    maxPixels_ = new QSpinBox(page);
    maxPixels_->setObjectName(QStringLiteral("maxPixels"));
    maxPixels_->setRange(static_cast<int>(settings::kMinPixels),
                         static_cast<int>(settings::kMaxPixels));
    maxPixels_->setSingleStep(64 * 1024);
    maxPixels_->setGroupSeparatorShown(true);
    maxPixels_->setValue(static_cast<int>(s.generation.maxPixels));
    pixelsHint_ = new QLabel(page);
    const auto hint = [this](int v) {
        const int side = static_cast<int>(std::lround(std::sqrt(static_cast<double>(v))));
        pixelsHint_->setText(tr("about %1 × %1 pixels per image").arg(side));
    };
    connect(maxPixels_, &QSpinBox::valueChanged, this, hint);
    hint(maxPixels_->value());
    auto* pixelsRow = new QHBoxLayout;
    pixelsRow->addWidget(maxPixels_);
    pixelsRow->addWidget(pixelsHint_, 1);
    maxNewTokens_ = new QSpinBox(page);
    maxNewTokens_->setObjectName(QStringLiteral("maxNewTokens"));
    maxNewTokens_->setRange(1, settings::kMaxNewTokens);
    maxNewTokens_->setValue(s.generation.maxNewTokens);
    temperature_ = new QDoubleSpinBox(page);
    temperature_->setObjectName(QStringLiteral("temperature"));
    temperature_->setRange(0, 2);
    temperature_->setSingleStep(0.1);
    temperature_->setDecimals(2);
    temperature_->setValue(s.generation.temperature);
    repetitionPenalty_ = new QDoubleSpinBox(page);
    repetitionPenalty_->setObjectName(QStringLiteral("repetitionPenalty"));
    repetitionPenalty_->setRange(settings::kMinRepetitionPenalty, settings::kMaxRepetitionPenalty);
    repetitionPenalty_->setSingleStep(0.05);
    repetitionPenalty_->setDecimals(2);
    repetitionPenalty_->setValue(s.generation.repetitionPenalty);
    repetitionPenalty_->setToolTip(
        tr("Above 1, words the model already wrote become less likely "
           "(1 = off)."));
    presencePenalty_ = new QDoubleSpinBox(page);
    presencePenalty_->setObjectName(QStringLiteral("presencePenalty"));
    presencePenalty_->setRange(-settings::kMaxPresencePenalty, settings::kMaxPresencePenalty);
    presencePenalty_->setSingleStep(0.1);
    presencePenalty_->setDecimals(2);
    presencePenalty_->setValue(s.generation.presencePenalty);
    presencePenalty_->setToolTip(
        tr("Subtracted from every word the model already wrote, as "
           "OpenAI defines it (0 = off)."));
    constrainedTagging_ = new QCheckBox(tr("Only values from the taxonomy"), page);
    constrainedTagging_->setObjectName(QStringLiteral("constrainedTagging"));
    constrainedTagging_->setChecked(s.constrainedTagging);
    constrainedTagging_->setToolTip(
        tr("The model answers every attribute with one of the taxonomy's values, with a "
           "confidence for each (a server may also answer \"unknown\"). Off: the model answers "
           "in its own words and Vistag looks for taxonomy terms in them."));
    requestsInFlight_ = new QSpinBox(page);
    requestsInFlight_->setObjectName(QStringLiteral("requestsInFlight"));
    requestsInFlight_->setRange(1, 64);
    requestsInFlight_->setValue(s.requestsInFlight);
    requestsInFlight_->setToolTip(
        tr("How many images tagging works on at once: requests sent to a server together, or "
           "images the local model decodes together. Each finished image is saved on its own."));
    auto* form = new QFormLayout(page);
    form->addRow(tr("Pixel budget"), pixelsRow);
    form->addRow(tr("Longest answer (tokens)"), maxNewTokens_);
    form->addRow(tr("Temperature"), temperature_);
    form->addRow(tr("Repetition penalty"), repetitionPenalty_);
    form->addRow(tr("Presence penalty"), presencePenalty_);
    form->addRow(tr("Tagging"), constrainedTagging_);
    form->addRow(tr("Images in flight"), requestsInFlight_);
    form->addRow(note(tr("Images are scaled down to the pixel budget before the model sees them: "
                         "smaller is faster and needs less memory. Temperature 0 always picks "
                         "the most likely words (the same answer every time)."),
                      page));
    return page;
}

QWidget* SettingsDialog::buildServerTab(const settings::AppSettings& s) {
    auto* page = new QWidget(this);
    serverUrl_ = new QLineEdit(s.serverUrl, page);
    serverUrl_->setObjectName(QStringLiteral("serverUrl"));
    apiKey_ = new QLineEdit(s.apiKey, page);
    apiKey_->setObjectName(QStringLiteral("apiKey"));
    apiKey_->setEchoMode(QLineEdit::Password);
    serverModel_ = new QLineEdit(s.serverModel, page);
    serverModel_->setObjectName(QStringLiteral("serverModel"));
    serverModel_->setPlaceholderText(tr("the server's first model"));
    tokenLimitField_ =
        choice(page,
               {{QStringLiteral("max_tokens"), QStringLiteral("max_tokens")},
                {QStringLiteral("max_completion_tokens"), QStringLiteral("max_completion_tokens")}},
               s.tokenLimitField);
    tokenLimitField_->setObjectName(QStringLiteral("tokenLimitField"));
    structuredOutput_ =
        choice(page,
               {{tr("JSON schema (vLLM, SGLang, llama.cpp, LM Studio, OpenAI)"),
                 QStringLiteral("json_schema")},
                {tr("JSON object (DashScope / Bailian)"), QStringLiteral("json_object")},
                {tr("None: the taxonomy in the question only"), QStringLiteral("none")}},
               s.structuredOutput);
    structuredOutput_->setObjectName(QStringLiteral("structuredOutput"));
    structuredOutput_->setToolTip(
        tr("How tagging asks the server to answer with the taxonomy's values. Whatever is "
           "chosen, Vistag checks every answer against the taxonomy."));
    auto limit = [page](const char* name, int max, int value) {
        auto* box = new QSpinBox(page);
        box->setObjectName(QLatin1String(name));
        box->setRange(0, max);
        box->setSingleStep(100);
        box->setSpecialValueText(tr("no limit"));
        box->setGroupSeparatorShown(true);
        box->setValue(value);
        return box;
    };
    schemaMaxEnumValues_ = limit("schemaMaxEnumValues", 10000000, s.schemaMaxEnumValues);
    schemaMaxChars_ = limit("schemaMaxChars", 100000000, s.schemaMaxChars);
    auto* form = new QFormLayout(page);
    form->addRow(tr("Server address"), serverUrl_);
    form->addRow(tr("API key"), apiKey_);
    form->addRow(tr("Model name"), serverModel_);
    form->addRow(tr("Token-limit field"), tokenLimitField_);
    form->addRow(tr("Structured output"), structuredOutput_);
    form->addRow(tr("Values per request"), schemaMaxEnumValues_);
    form->addRow(tr("Schema characters per request"), schemaMaxChars_);
    form->addRow(note(tr("vLLM, SGLang, llama.cpp and Ollama read max_tokens; some hosted "
                         "services want max_completion_tokens. The API key is stored in "
                         "Vistag's settings file."),
                      page));
    form->addRow(note(tr("Tagging sends the taxonomy as a JSON schema; DashScope's vision models "
                         "take only a JSON object. A taxonomy with more values than one request "
                         "may hold is asked in several requests (OpenAI: 1,000 values and "
                         "120,000 characters). Every answer is checked against the taxonomy."),
                      page));
    return page;
}

QWidget* SettingsDialog::buildInterfaceTab(const settings::AppSettings& s) {
    auto* page = new QWidget(this);
    language_ = choice(page,
                       {{tr("Follow the system"), QString()},
                        {QStringLiteral("English"), QStringLiteral("en")},
                        {QStringLiteral("中文（简体）"), QStringLiteral("zh_CN")}},
                       s.language);
    language_->setObjectName(QStringLiteral("language"));
    auto* form = new QFormLayout(page);
    form->addRow(tr("Language"), language_);
    form->addRow(note(tr("Changing the language builds the window again; the model is loaded "
                         "again and the catalogue stays as it is."),
                      page));
    return page;
}

QWidget* SettingsDialog::buildCatalogueTab(const settings::AppSettings& s) {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    catalogLocation_ = new QLineEdit(s.catalogLocation, page);
    catalogLocation_->setObjectName(QStringLiteral("catalogLocation"));
    catalogLocation_->setPlaceholderText(
        tr("Default: %1").arg(QDir::toNativeSeparators(catalog::CatalogDb::defaultPath())));
    catalogLocation_->setToolTip(
        tr("A catalogue file, or a team catalogue on PostgreSQL: "
           "postgresql://user@server:5432/database. The password comes from ~/.pgpass or the "
           "PGPASSWORD environment variable; Vistag does not store it."));
    form->addRow(tr("Catalogue"),
                 withPicker(catalogLocation_, tr("File…"), [this](const QString& current) {
                     return QFileDialog::getSaveFileName(this, tr("Catalogue file"), current,
                                                         tr("Catalogue (*.sqlite)"), nullptr,
                                                         QFileDialog::DontConfirmOverwrite);
                 }));
    auto* passwordHint = new QLabel(
        tr("The password in this address is used now and not kept: put it in ~/.pgpass or the "
           "PGPASSWORD environment variable."),
        page);
    passwordHint->setObjectName(QStringLiteral("catalogPasswordHint"));
    passwordHint->setWordWrap(true);
    passwordHint->setStyleSheet(QStringLiteral("color: #b45309;"));
    const auto showHint = [passwordHint](const QString& text) {
        passwordHint->setVisible(text.contains(QLatin1String("://")) &&
                                 !QUrl(text.trimmed()).password().isEmpty());
    };
    connect(catalogLocation_, &QLineEdit::textChanged, passwordHint, showHint);
    showHint(catalogLocation_->text());
    form->addRow(QString(), passwordHint);
    imageRoot_ = new QLineEdit(s.imageRoot, page);
    imageRoot_->setObjectName(QStringLiteral("imageRoot"));
    imageRoot_->setPlaceholderText(tr("None: image paths are kept as they are"));
    imageRoot_->setToolTip(
        tr("Where the team's shared image folder is on this computer (e.g. "
           "/mnt/shop). Images under it are stored relative to it, so every "
           "workstation finds them through its own mapping."));
    form->addRow(tr("Shared image folder"),
                 withPicker(imageRoot_, tr("Folder…"), [this](const QString& current) {
                     return QFileDialog::getExistingDirectory(this, tr("Shared image folder"),
                                                              current);
                 }));
    reviewerName_ = new QLineEdit(s.reviewerName, page);
    reviewerName_->setObjectName(QStringLiteral("reviewerName"));
    reviewerName_->setPlaceholderText(settings::AppSettings{}.reviewer());
    reviewerName_->setToolTip(tr("The name the audit log records for your decisions."));
    form->addRow(tr("Your name"), reviewerName_);
    form->addRow(note(tr("A team points every workstation at one PostgreSQL catalogue and one "
                         "shared image folder. Changing the catalogue opens the window again on "
                         "it."),
                      page));
    return page;
}

QWidget* SettingsDialog::buildShortcutsTab() {
    auto* page = new QWidget(this);
    const QStringList ids = shortcuts_->ids();
    keys_ = new QTableWidget(static_cast<int>(ids.size()), 3, page);
    keys_->setObjectName(QStringLiteral("shortcutTable"));
    keys_->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut"), tr("Alternative")});
    keys_->verticalHeader()->hide();
    keys_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    keys_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    keys_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    keys_->setSelectionMode(QAbstractItemView::NoSelection);
    for (int row = 0; row < ids.size(); ++row) {
        auto* title = new QTableWidgetItem(shortcuts_->title(ids[row]));
        title->setFlags(Qt::ItemIsEnabled);
        title->setData(Qt::UserRole, ids[row]);
        keys_->setItem(row, 0, title);
        const QList<QKeySequence> k = shortcuts_->keys(ids[row]);
        for (int c = 0; c < 2; ++c) {
            auto* edit = new QKeySequenceEdit(c < k.size() ? k[c] : QKeySequence(), keys_);
            edit->setClearButtonEnabled(true);
            edit->setObjectName(ids[row] + QStringLiteral("/") + QString::number(c));
            connect(edit, &QKeySequenceEdit::keySequenceChanged, this,
                    &SettingsDialog::updateConflicts);
            keys_->setCellWidget(row, c + 1, edit);
        }
    }
    keys_->resizeColumnsToContents();
    keys_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    auto* reset = new QPushButton(tr("Reset to defaults"), page);
    reset->setObjectName(QStringLiteral("resetShortcuts"));
    connect(reset, &QPushButton::clicked, this, &SettingsDialog::resetShortcuts);
    conflicts_ = new QLabel(page);
    conflicts_->setObjectName(QStringLiteral("shortcutConflicts"));
    conflicts_->setWordWrap(true);
    conflicts_->setStyleSheet(QStringLiteral("color: #b3261e;"));
    auto* row = new QHBoxLayout;
    row->addWidget(
        note(tr("Click a cell and press the new keys; the clear button removes them."), page), 1);
    row->addWidget(reset);
    auto* col = new QVBoxLayout(page);
    col->addWidget(keys_, 1);
    col->addWidget(conflicts_);
    col->addLayout(row);
    return page;
}

QKeySequenceEdit* SettingsDialog::shortcutEdit(const QString& id, int column) const {
    if (!keys_)
        return nullptr;
    return keys_->findChild<QKeySequenceEdit*>(id + QStringLiteral("/") + QString::number(column));
}

void SettingsDialog::resetShortcuts() {
    if (!keys_)
        return;
    for (const QString& id : shortcuts_->ids()) {
        const QList<QKeySequence> d = shortcuts_->defaults(id);
        for (int c = 0; c < 2; ++c)
            if (QKeySequenceEdit* e = shortcutEdit(id, c))
                e->setKeySequence(c < d.size() ? d[c] : QKeySequence());
    }
    updateConflicts();
}

QHash<QString, QList<QKeySequence>> SettingsDialog::proposedKeys() const {
    QHash<QString, QList<QKeySequence>> out;
    if (!keys_)
        return out;
    for (const QString& id : shortcuts_->ids()) {
        QList<QKeySequence> k;
        for (int c = 0; c < 2; ++c)
            if (QKeySequenceEdit* e = shortcutEdit(id, c))
                k << e->keySequence();
        out.insert(id, k);
    }
    return out;
}

void SettingsDialog::updateConflicts() {
    if (conflicts_)
        conflicts_->setText(ShortcutMap::describeConflicts(*shortcuts_, proposedKeys()));
}

bool SettingsDialog::applyShortcuts() {
    if (!keys_)
        return true;
    const auto proposed = proposedKeys();
    const QString conflicts = ShortcutMap::describeConflicts(*shortcuts_, proposed);
    if (!conflicts.isEmpty()) {
        conflicts_->setText(conflicts);
        tabs_->setCurrentWidget(keys_->parentWidget());
        return false;
    }
    for (auto it = proposed.cbegin(); it != proposed.cend(); ++it)
        shortcuts_->setKeys(it.key(), it.value());
    return true;
}

TaxonomyPage* SettingsDialog::addTaxonomyPage(const catalog::Taxonomy& current,
                                              const QString& path) {
    taxonomyPage_ = new TaxonomyPage(current, path, this);
    tabs_->addTab(taxonomyPage_, tr("Taxonomy"));
    return taxonomyPage_;
}

void SettingsDialog::accept() {
    if (!applyShortcuts())
        return;  // the conflict is shown under the table
    QDialog::accept();
}

settings::AppSettings SettingsDialog::settings() const {
    settings::AppSettings s = base_;
    s.backend = settings::backendKindFromName(chosen(backend_)).value_or(s.backend);
    s.modelFolder = modelFolder_->text().trimmed();
    s.device = chosen(device_);
    s.dtype = chosen(dtype_);
    s.generation.maxPixels = maxPixels_->value();
    s.generation.maxNewTokens = maxNewTokens_->value();
    s.generation.temperature = temperature_->value();
    s.generation.repetitionPenalty = repetitionPenalty_->value();
    s.generation.presencePenalty = presencePenalty_->value();
    s.constrainedTagging = constrainedTagging_->isChecked();
    s.requestsInFlight = requestsInFlight_->value();
    s.serverUrl = serverUrl_->text().trimmed();
    s.apiKey = apiKey_->text();
    s.serverModel = serverModel_->text().trimmed();
    s.tokenLimitField = chosen(tokenLimitField_);
    s.structuredOutput = chosen(structuredOutput_);
    s.schemaMaxEnumValues = schemaMaxEnumValues_->value();
    s.schemaMaxChars = schemaMaxChars_->value();
    s.language = chosen(language_);
    s.catalogLocation = catalogLocation_->text().trimmed();
    s.imageRoot = imageRoot_->text().trimmed();
    s.reviewerName = reviewerName_->text().trimmed();
    return s;
}

}  // namespace vistag::ui
