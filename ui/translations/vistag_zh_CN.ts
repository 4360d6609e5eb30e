<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>vistag::ui::AskPane</name>
    <message>
        <location filename="../src/ask_pane.cpp" line="30"/>
        <source>Style</source>
        <translation>风格</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="32"/>
        <source>Material</source>
        <translation>材质</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="34"/>
        <source>Season</source>
        <translation>季节</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="36"/>
        <source>Describe</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="56"/>
        <source>Presets…</source>
        <translation>常用问题…</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="61"/>
        <source>Ask about the selected image…</source>
        <translation>就所选图片提问…</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="63"/>
        <source>Ask</source>
        <translation>提问</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="65"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="76"/>
        <source>Add as tag…</source>
        <translation>添加为标签…</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="78"/>
        <source>Open the tag editor&apos;s add box with the selected words</source>
        <translation>用所选文字打开标签编辑器的添加框</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="99"/>
        <source>First words after %1 ms</source>
        <translation>%1 毫秒后开始回答</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="110"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="116"/>
        <source>%1 tokens · %2 tokens/s · %3 ms%4</source>
        <translation>%1 个词元 · %2 词元/秒 · %3 毫秒%4</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="120"/>
        <source> · stopped</source>
        <translation> · 已停止</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="193"/>
        <source>Add the tag %1: %2</source>
        <translation>添加标签 %1：%2</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="215"/>
        <source>Tags in this answer (click to add to the image):</source>
        <translation>回答中的标签（点击即可添加到图片）：</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="238"/>
        <source>Thinking…</source>
        <translation>正在思考…</translation>
    </message>
</context>
<context>
    <name>vistag::ui::BulkTagDialog</name>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="42"/>
        <source>Find and replace tags</source>
        <translation>查找并替换标签</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="43"/>
        <source>Edit tags of many images</source>
        <translation>批量编辑标签</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="45"/>
        <source>Add the tag</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="46"/>
        <source>Remove the tag</source>
        <translation>移除标签</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="47"/>
        <source>Replace the value</source>
        <translation>替换取值</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="54"/>
        <source>with</source>
        <translation>替换为</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/bulk_tag_dialog.cpp" line="56"/>
        <source>the %n selected image(s)</source>
        <translation>
            <numerusform>所选的 %n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="58"/>
        <source>the whole catalogue</source>
        <translation>整个商品图库</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="73"/>
        <source>Views of one product (a SKU group) share one tag set: the edit reaches all of them. A replaced value is kept as rejected, so the model does not suggest it again.</source>
        <translation>同一商品（SKU 组）的多个视图共用一套标签：编辑会作用于所有视图。被替换的取值会保留为“已拒绝”，模型不会再次建议它。</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="80"/>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="85"/>
        <source>Operation</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="86"/>
        <source>Attribute</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="87"/>
        <source>Value</source>
        <translation>取值</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="89"/>
        <source>On</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="141"/>
        <source>Choose the value.</source>
        <translation>请选择取值。</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="146"/>
        <source>Choose the value to replace it with.</source>
        <translation>请选择替换后的取值。</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="192"/>
        <source>Nothing to change: no image in scope needs this edit.</source>
        <translation>无需更改：范围内没有图片需要这项编辑。</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/bulk_tag_dialog.cpp" line="196"/>
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="199"/>
        <source>Adds or accepts the tag on %1 (%2 tag set(s)).</source>
        <translation>将在 %1 上添加或接受该标签（%2 套标签）。</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/bulk_tag_dialog.cpp" line="204"/>
        <source>Removes %n tag(s) from %1.</source>
        <translation>
            <numerusform>将从 %1 移除 %n 个标签。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../src/bulk_tag_dialog.cpp" line="207"/>
        <source>Replaces %n tag(s) on %1.</source>
        <translation>
            <numerusform>将替换 %1 上的 %n 个标签。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="228"/>
        <source>Add %1: %2 to many images</source>
        <translation>批量添加 %1：%2</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="230"/>
        <source>Remove %1: %2 from many images</source>
        <translation>批量移除 %1：%2</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="232"/>
        <source>Replace %1: %2 with %3</source>
        <translation>将 %1：%2 替换为 %3</translation>
    </message>
</context>
<context>
    <name>vistag::ui::CatalogPane</name>
    <message>
        <location filename="../src/catalog_pane.cpp" line="26"/>
        <source>Search file names</source>
        <translation>搜索文件名</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="29"/>
        <source>All images</source>
        <translation>全部图片</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="30"/>
        <source>New</source>
        <translation>新图片</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="31"/>
        <source>Suggested</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="32"/>
        <source>Reviewed</source>
        <translation>已审核</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="33"/>
        <source>Add images…</source>
        <translation>添加图片…</translation>
    </message>
</context>
<context>
    <name>vistag::ui::MainWindow</name>
    <message>
        <location filename="../src/main_window.cpp" line="49"/>
        <source>Vistag — product image review</source>
        <translation>Vistag — 商品图片审核</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="85"/>
        <source>Tag added from the answer</source>
        <translation>已从回答添加标签</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="121"/>
        <source>Loading the model: %1% (%2)</source>
        <translation>正在加载模型：%1%（%2）</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="126"/>
        <source>Model %1 is ready</source>
        <translation>模型 %1 已就绪</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="127"/>
        <source>Model %1 is ready. Drop product images here.</source>
        <translation>模型 %1 已就绪。请把商品图片拖到这里。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="130"/>
        <source>The model could not be loaded: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="145"/>
        <source>GPU: %1</source>
        <translation>GPU：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="146"/>
        <source>No GPU found — the model runs on the CPU</source>
        <translation>未找到 GPU — 模型将在 CPU 上运行</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="148"/>
        <source>No model selected</source>
        <translation>尚未选择模型</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="195"/>
        <source>Every image after this one is reviewed</source>
        <translation>之后的图片都已审核</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="207"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="212"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="213"/>
        <source>&amp;Add images…</source>
        <translation>添加图片(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="214"/>
        <source>Use a &amp;model folder…</source>
        <translation>使用模型文件夹(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="215"/>
        <source>Connect to a &amp;server…</source>
        <translation>连接服务器(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="216"/>
        <source>&amp;Download a model…</source>
        <translation>下载模型(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="218"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="220"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="223"/>
        <source>&amp;Tags</source>
        <translation>标签(&amp;T)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="225"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="226"/>
        <source>&amp;About Vistag</source>
        <translation>关于 Vistag(&amp;A)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="227"/>
        <source>About Vistag</source>
        <translation>关于 Vistag</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="242"/>
        <source>&amp;Add a tag to the selected images…</source>
        <translation>为所选图片添加标签(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="243"/>
        <source>&amp;Remove a tag from the selected images…</source>
        <translation>从所选图片移除标签(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="244"/>
        <source>Re&amp;place a tag on the selected images…</source>
        <translation>替换所选图片的标签(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="245"/>
        <source>&amp;Find and replace tags…</source>
        <translation>查找并替换标签(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="273"/>
        <source>The catalogue is not open.</source>
        <translation>商品图库未打开。</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="285"/>
        <source>%1 — %n image(s) changed</source>
        <translation>
            <numerusform>%1 — 已更改 %n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="292"/>
        <source>Choose a Qwen3-VL model folder</source>
        <translation>选择 Qwen3-VL 模型文件夹</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="295"/>
        <source>Loading %1 …</source>
        <translation>正在加载 %1 …</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="301"/>
        <source>Connect to a server</source>
        <translation>连接服务器</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="306"/>
        <source>the server&apos;s first model</source>
        <translation>服务器的第一个模型</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="308"/>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="309"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="310"/>
        <source>Model name</source>
        <translation>模型名称</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="324"/>
        <source>Connecting to %1 …</source>
        <translation>正在连接 %1 …</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="330"/>
        <location filename="../src/main_window.cpp" line="367"/>
        <source>Download a model</source>
        <translation>下载模型</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="334"/>
        <source>ModelScope</source>
        <translation>魔搭 ModelScope</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="336"/>
        <source>default, or a mirror such as https://hf-mirror.com</source>
        <translation>默认，或镜像站，例如 https://hf-mirror.com</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="340"/>
        <source>Repository</source>
        <translation>模型仓库</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="341"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="342"/>
        <source>Mirror</source>
        <translation>镜像</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="343"/>
        <source>Save to</source>
        <translation>保存到</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="360"/>
        <source>A download is already running.</source>
        <translation>已有下载正在进行。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="365"/>
        <source>Downloading %1 …</source>
        <translation>正在下载 %1 …</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="365"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="383"/>
        <source>File %1 of %2: %3</source>
        <translation>第 %1/%2 个文件：%3</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="397"/>
        <source>The download was cancelled; start it again to resume.</source>
        <translation>下载已取消；再次开始即可继续。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="398"/>
        <source>The download failed: %1</source>
        <translation>下载失败：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="412"/>
        <source>Add images</source>
        <translation>添加图片</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="413"/>
        <source>Images (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="424"/>
        <source>The catalogue is not open, so images cannot be added.</source>
        <translation>商品图库未打开，无法添加图片。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="428"/>
        <source>Adding images…</source>
        <translation>正在添加图片…</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="454"/>
        <source>Added %n image(s); %1 could not be read</source>
        <translation>
            <numerusform>已添加 %n 张图片；%1 个文件无法读取</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="455"/>
        <source>Added %n image(s)</source>
        <translation>
            <numerusform>已添加 %n 张图片</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vistag::ui::StartPage</name>
    <message>
        <location filename="../src/start_page.cpp" line="25"/>
        <source>Welcome to Vistag</source>
        <translation>欢迎使用 Vistag</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="32"/>
        <source>Review product images with Qwen3-VL: drop images, ask questions, and check the suggested tags before they are stored and exported. First, tell Vistag which model to use.</source>
        <translation>用 Qwen3-VL 审核商品图片：拖入图片、提出问题，并在保存和导出之前核对建议的标签。首先，请告诉 Vistag 使用哪个模型。</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="38"/>
        <source>Use a model folder</source>
        <translation>使用模型文件夹</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="39"/>
        <source>A Qwen3-VL folder in Hugging Face layout on this computer</source>
        <translation>本机上 Hugging Face 格式的 Qwen3-VL 文件夹</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="41"/>
        <source>Download a model</source>
        <translation>下载模型</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="42"/>
        <source>From Hugging Face, ModelScope or a mirror</source>
        <translation>从 Hugging Face、魔搭 ModelScope 或镜像站下载</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="43"/>
        <source>Connect to a server</source>
        <translation>连接服务器</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="44"/>
        <source>An OpenAI-compatible server such as vLLM or a Vistag server</source>
        <translation>兼容 OpenAI 的服务器，例如 vLLM 或 Vistag 服务器</translation>
    </message>
</context>
<context>
    <name>vistag::ui::TagEditor</name>
    <message>
        <location filename="../src/tag_editor.cpp" line="27"/>
        <source>suggested</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="28"/>
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="29"/>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="156"/>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="156"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="156"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="162"/>
        <source>Keys 1–9 pick option N of the focused attribute: its N-th allowed value in the taxonomy, as numbered below the list (a single-valued attribute keeps only that value). F2 renames (fixes) the focused tag, Del deletes the selected tags, Alt+A adds a tag, Ctrl+Z / Ctrl+Y undo and redo.</source>
        <translation>数字键 1–9 选择当前属性的第 N 个选项：即分类体系中该属性的第 N 个允许取值，编号显示在列表下方（单值属性只保留所选取值）。F2 重命名（修正）当前标签，Del 删除所选标签，Alt+A 添加标签，Ctrl+Z / Ctrl+Y 撤销和重做。</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="170"/>
        <source>Add a tag, e.g. 风格: 波西米亚 or colour: red (Alt+A)</source>
        <translation>添加标签，例如 风格: 波西米亚 或 颜色: 红色（Alt+A）</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="222"/>
        <location filename="../src/tag_editor.cpp" line="487"/>
        <source>Rename tag</source>
        <translation>重命名标签</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="224"/>
        <source>Delete tag</source>
        <translation>删除标签</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="228"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="230"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="235"/>
        <source>Pick option %1</source>
        <translation>选择第 %1 个选项</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="423"/>
        <source>Select an image first, then add the tag.</source>
        <translation>请先选择一张图片，再添加标签。</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="468"/>
        <source>This tag no longer exists.</source>
        <translation>该标签已不存在。</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="474"/>
        <source>“%1” is not a value of %2</source>
        <translation>“%1”不是%2的取值</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/tag_editor.cpp" line="513"/>
        <source>Delete %n tag(s)</source>
        <translation>
            <numerusform>删除 %n 个标签</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="524"/>
        <source>Focus an attribute first (arrow keys), then press 1–9.</source>
        <translation>请先（用方向键）选中一个属性，再按 1–9。</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="528"/>
        <source>%1 has no option %2</source>
        <translation>%1没有第 %2 个选项</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="539"/>
        <source>Pick %1: %2</source>
        <translation>选择 %1：%2</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="186"/>
        <location filename="../src/tag_editor.cpp" line="391"/>
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="187"/>
        <location filename="../src/tag_editor.cpp" line="392"/>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="188"/>
        <location filename="../src/tag_editor.cpp" line="400"/>
        <source>Accept all</source>
        <translation>全部接受</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="189"/>
        <source>Accept every suggestion of this image (Ctrl+Enter)</source>
        <translation>接受这张图片的全部建议（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="294"/>
        <source> (new value)</source>
        <translation>（新值）</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="332"/>
        <source>%1 — keys: %2</source>
        <translation>%1 — 按键：%2</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="407"/>
        <source>Write the attribute, a colon and the value, e.g. 风格: 波西米亚</source>
        <translation>请写属性、冒号和值，例如 风格: 波西米亚</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="414"/>
        <source>Unknown attribute “%1”</source>
        <translation>未知属性“%1”</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="226"/>
        <location filename="../src/tag_editor.cpp" line="430"/>
        <location filename="../src/tag_editor.cpp" line="443"/>
        <source>Add tag</source>
        <translation>添加标签</translation>
    </message>
</context>
</TS>
