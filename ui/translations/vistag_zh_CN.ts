<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>vistag::ui::AskPane</name>
    <message>
        <location filename="../src/ask_pane.cpp" line="24"/>
        <source>Style</source>
        <translation>风格</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="26"/>
        <source>Material</source>
        <translation>材质</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="28"/>
        <source>Season</source>
        <translation>季节</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="30"/>
        <source>Describe</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="39"/>
        <source>Presets…</source>
        <translation>常用问题…</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="44"/>
        <source>Ask about the selected image…</source>
        <translation>就所选图片提问…</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="46"/>
        <source>Ask</source>
        <translation>提问</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="48"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="61"/>
        <source>First words after %1 ms</source>
        <translation>%1 毫秒后开始回答</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="72"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="77"/>
        <source>%1 tokens · %2 tokens/s · %3 ms%4</source>
        <translation>%1 个词元 · %2 词元/秒 · %3 毫秒%4</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="81"/>
        <source> · stopped</source>
        <translation> · 已停止</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="126"/>
        <source>Thinking…</source>
        <translation>正在思考…</translation>
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
        <location filename="../src/main_window.cpp" line="46"/>
        <source>Vistag — product image review</source>
        <translation>Vistag — 商品图片审核</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="111"/>
        <source>Loading the model: %1% (%2)</source>
        <translation>正在加载模型：%1%（%2）</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="116"/>
        <source>Model %1 is ready</source>
        <translation>模型 %1 已就绪</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="117"/>
        <source>Model %1 is ready. Drop product images here.</source>
        <translation>模型 %1 已就绪。请把商品图片拖到这里。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="120"/>
        <source>The model could not be loaded: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="135"/>
        <source>GPU: %1</source>
        <translation>GPU：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="136"/>
        <source>No GPU found — the model runs on the CPU</source>
        <translation>未找到 GPU — 模型将在 CPU 上运行</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="138"/>
        <source>No model selected</source>
        <translation>尚未选择模型</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="185"/>
        <source>Every image after this one is reviewed</source>
        <translation>之后的图片都已审核</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="197"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="202"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="203"/>
        <source>&amp;Add images…</source>
        <translation>添加图片(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="204"/>
        <source>Use a &amp;model folder…</source>
        <translation>使用模型文件夹(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="205"/>
        <source>Connect to a &amp;server…</source>
        <translation>连接服务器(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="206"/>
        <source>&amp;Download a model…</source>
        <translation>下载模型(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="208"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="210"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="211"/>
        <source>&amp;About Vistag</source>
        <translation>关于 Vistag(&amp;A)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="212"/>
        <source>About Vistag</source>
        <translation>关于 Vistag</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="218"/>
        <source>Choose a Qwen3-VL model folder</source>
        <translation>选择 Qwen3-VL 模型文件夹</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="221"/>
        <source>Loading %1 …</source>
        <translation>正在加载 %1 …</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="227"/>
        <source>Connect to a server</source>
        <translation>连接服务器</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="232"/>
        <source>the server&apos;s first model</source>
        <translation>服务器的第一个模型</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="234"/>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="235"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="236"/>
        <source>Model name</source>
        <translation>模型名称</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="250"/>
        <source>Connecting to %1 …</source>
        <translation>正在连接 %1 …</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="256"/>
        <location filename="../src/main_window.cpp" line="293"/>
        <source>Download a model</source>
        <translation>下载模型</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="260"/>
        <source>ModelScope</source>
        <translation>魔搭 ModelScope</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="262"/>
        <source>default, or a mirror such as https://hf-mirror.com</source>
        <translation>默认，或镜像站，例如 https://hf-mirror.com</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="266"/>
        <source>Repository</source>
        <translation>模型仓库</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="267"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="268"/>
        <source>Mirror</source>
        <translation>镜像</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="269"/>
        <source>Save to</source>
        <translation>保存到</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="286"/>
        <source>A download is already running.</source>
        <translation>已有下载正在进行。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="291"/>
        <source>Downloading %1 …</source>
        <translation>正在下载 %1 …</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="291"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="309"/>
        <source>File %1 of %2: %3</source>
        <translation>第 %1/%2 个文件：%3</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="323"/>
        <source>The download was cancelled; start it again to resume.</source>
        <translation>下载已取消；再次开始即可继续。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="324"/>
        <source>The download failed: %1</source>
        <translation>下载失败：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="338"/>
        <source>Add images</source>
        <translation>添加图片</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="339"/>
        <source>Images (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="350"/>
        <source>The catalogue is not open, so images cannot be added.</source>
        <translation>商品图库未打开，无法添加图片。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="354"/>
        <source>Adding images…</source>
        <translation>正在添加图片…</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="380"/>
        <source>Added %n image(s); %1 could not be read</source>
        <translation>
            <numerusform>已添加 %n 张图片；%1 个文件无法读取</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="381"/>
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
        <location filename="../src/tag_editor.cpp" line="24"/>
        <source>suggested</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="25"/>
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="26"/>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="68"/>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="68"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="68"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="73"/>
        <source>Add a tag, e.g. 风格: 波西米亚 or colour: red</source>
        <translation>添加标签，例如 风格: 波西米亚 或 颜色: 红色</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="89"/>
        <location filename="../src/tag_editor.cpp" line="201"/>
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="90"/>
        <location filename="../src/tag_editor.cpp" line="202"/>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="91"/>
        <location filename="../src/tag_editor.cpp" line="210"/>
        <source>Accept all</source>
        <translation>全部接受</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="92"/>
        <source>Accept every suggestion of this image (Ctrl+Enter)</source>
        <translation>接受这张图片的全部建议（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="98"/>
        <source>Ctrl+Y</source>
        <translation>Ctrl+Y</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="144"/>
        <source> (new value)</source>
        <translation>（新值）</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="217"/>
        <source>Write the attribute, a colon and the value, e.g. 风格: 波西米亚</source>
        <translation>请写属性、冒号和值，例如 风格: 波西米亚</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="224"/>
        <source>Unknown attribute “%1”</source>
        <translation>未知属性“%1”</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="233"/>
        <location filename="../src/tag_editor.cpp" line="249"/>
        <source>Add tag</source>
        <translation>添加标签</translation>
    </message>
</context>
</TS>
