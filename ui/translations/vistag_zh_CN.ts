<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <location filename="../src/main_window.cpp" line="32"/>
        <source>Vistag — product image review</source>
        <translation>Vistag — 商品图片审核</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="61"/>
        <source>GPU: %1</source>
        <translation>GPU：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="62"/>
        <source>No GPU found — the model runs on the CPU</source>
        <translation>未找到 GPU — 模型将在 CPU 上运行</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="64"/>
        <source>No model selected</source>
        <translation>尚未选择模型</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="78"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="79"/>
        <source>&amp;Add images…</source>
        <translation>添加图片(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="80"/>
        <source>Use a &amp;model folder…</source>
        <translation>使用模型文件夹(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="82"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="84"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="85"/>
        <source>&amp;About Vistag</source>
        <translation>关于 Vistag(&amp;A)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="86"/>
        <source>About Vistag</source>
        <translation>关于 Vistag</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="92"/>
        <source>Choose a Qwen3-VL model folder</source>
        <translation>选择 Qwen3-VL 模型文件夹</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="95"/>
        <source>Selected %1</source>
        <translation>已选择 %1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="100"/>
        <source>Add images</source>
        <translation>添加图片</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="101"/>
        <source>Images (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="112"/>
        <source>The catalogue is not open, so images cannot be added.</source>
        <translation>商品图库未打开，无法添加图片。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="116"/>
        <source>Adding images…</source>
        <translation>正在添加图片…</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="142"/>
        <source>Added %n image(s); %1 could not be read</source>
        <translation><numerusform>已添加 %n 张图片；%1 个文件无法读取</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="143"/>
        <source>Added %n image(s)</source>
        <translation><numerusform>已添加 %n 张图片</numerusform></translation>
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
</TS>
