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
    <name>vistag::ui::BatchPanel</name>
    <message>
        <location filename="../src/batch_panel.cpp" line="35"/>
        <source>about %1 s left</source>
        <translation>约剩 %1 秒</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="36"/>
        <source>about %1 min left</source>
        <translation>约剩 %1 分钟</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="37"/>
        <source>about %1 h %2 min left</source>
        <translation>约剩 %1 小时 %2 分钟</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="52"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="53"/>
        <source>Stop tagging; the images not done yet stay queued</source>
        <translation>停止打标；尚未处理的图片仍留在队列中</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="56"/>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="57"/>
        <source>Forget the unfinished tagging batch</source>
        <translation>放弃未完成的打标批次</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/batch_panel.cpp" line="96"/>
        <source>Resume tagging (%n left)</source>
        <translation>
            <numerusform>继续打标（剩 %n 张）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="100"/>
        <source>Unfinished tagging:</source>
        <translation>未完成的打标：</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="110"/>
        <location filename="../src/batch_panel.cpp" line="191"/>
        <source>Tagging is already running.</source>
        <translation>打标已在进行中。</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="114"/>
        <source>Choose a model or a server first, then run tagging.</source>
        <translation>请先选择模型或服务器，再运行打标。</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="118"/>
        <source>There are no images to tag.</source>
        <translation>没有需要打标的图片。</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="150"/>
        <source>Every image has tags already.</source>
        <translation>所有图片都已有标签。</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="159"/>
        <source>Choose a model or a server first, then resume tagging.</source>
        <translation>请先选择模型或服务器，再继续打标。</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="201"/>
        <source>Tagging…</source>
        <translation>正在打标…</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="220"/>
        <source>Tagging %1 / %2</source>
        <translation>打标 %1 / %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/batch_panel.cpp" line="225"/>
        <source>%n failed</source>
        <translation>
            <numerusform>%n 张失败</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="240"/>
        <source>Tagging stopped: %1</source>
        <translation>打标已停止：%1</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="249"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
</context>
<context>
    <name>vistag::ui::CatalogPane</name>
    <message>
        <location filename="../src/catalog_pane.cpp" line="64"/>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="67"/>
        <source>tagging…</source>
        <translation>打标中…</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="70"/>
        <source>tagged</source>
        <translation>已打标</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="73"/>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="76"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="111"/>
        <source>Search file names</source>
        <translation>搜索文件名</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="114"/>
        <source>All images</source>
        <translation>全部图片</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="115"/>
        <source>New</source>
        <translation>新图片</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="116"/>
        <source>Suggested</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="117"/>
        <source>Reviewed</source>
        <translation>已审核</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="120"/>
        <location filename="../src/catalog_pane.cpp" line="121"/>
        <source>Add images…</source>
        <translation>添加图片…</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="126"/>
        <source>Filter by a tag&apos;s attribute</source>
        <translation>按标签属性筛选</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="127"/>
        <location filename="../src/catalog_pane.cpp" line="201"/>
        <source>Any tag</source>
        <translation>任意标签</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="130"/>
        <source>has</source>
        <translation>有</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="131"/>
        <source>lacks</source>
        <translation>缺少</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="137"/>
        <source>any value</source>
        <translation>任意取值</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="138"/>
        <source>Filter by a tag value (pick one or type its name)</source>
        <translation>按标签取值筛选（选择或输入名称）</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="143"/>
        <source>Order of the images</source>
        <translation>图片排序</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="144"/>
        <source>Oldest first</source>
        <translation>最早添加在前</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="145"/>
        <source>Newest first</source>
        <translation>最新添加在前</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="146"/>
        <source>Name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="147"/>
        <source>Review state</source>
        <translation>审核状态</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="148"/>
        <source>Least certain first</source>
        <translation>最不确定的在前</translation>
    </message>
</context>
<context>
    <name>vistag::ui::ImageViewer</name>
    <message>
        <location filename="../src/image_viewer.cpp" line="25"/>
        <source>The image is too large to show (%1 × %2 pixels).</source>
        <translation>图片太大，无法显示（%1 × %2 像素）。</translation>
    </message>
    <message>
        <location filename="../src/image_viewer.cpp" line="32"/>
        <source>The image could not be read: %1</source>
        <translation>无法读取图片：%1</translation>
    </message>
    <message>
        <location filename="../src/image_viewer.cpp" line="193"/>
        <source>Select an image to see it here</source>
        <translation>选择一张图片即可在此查看大图</translation>
    </message>
    <message>
        <location filename="../src/image_viewer.cpp" line="194"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../src/image_viewer.cpp" line="219"/>
        <source>Fit · %1 %</source>
        <translation>适应窗口 · %1%</translation>
    </message>
    <message>
        <location filename="../src/image_viewer.cpp" line="220"/>
        <source>%1 %</source>
        <translation>%1%</translation>
    </message>
</context>
<context>
    <name>vistag::ui::MainWindow</name>
    <message>
        <location filename="../src/main_window.cpp" line="52"/>
        <source>Vistag — product image review</source>
        <translation>Vistag — 商品图片审核</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="122"/>
        <source>Tagging cancelled; the rest stays queued</source>
        <translation>打标已取消；其余图片仍在队列中</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="123"/>
        <source>Tagging finished</source>
        <translation>打标完成</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="144"/>
        <source>Loading the model: %1% (%2)</source>
        <translation>正在加载模型：%1%（%2）</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="149"/>
        <source>Model %1 is ready</source>
        <translation>模型 %1 已就绪</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="150"/>
        <source>Model %1 is ready. Drop product images here.</source>
        <translation>模型 %1 已就绪。请把商品图片拖到这里。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="153"/>
        <source>The model could not be loaded: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="168"/>
        <source>GPU: %1</source>
        <translation>GPU：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="169"/>
        <source>No GPU found — the model runs on the CPU</source>
        <translation>未找到 GPU — 模型将在 CPU 上运行</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="173"/>
        <source>No model selected</source>
        <translation>尚未选择模型</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="220"/>
        <source>Every image after this one is reviewed</source>
        <translation>之后的图片都已审核</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="253"/>
        <source>Select the images to tag first.</source>
        <translation>请先选择要打标的图片。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="272"/>
        <source>Saving the pasted image…</source>
        <translation>正在保存粘贴的图片…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="295"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="300"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="301"/>
        <source>&amp;Add images…</source>
        <translation>添加图片(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="302"/>
        <source>Use a &amp;model folder…</source>
        <translation>使用模型文件夹(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="303"/>
        <source>Connect to a &amp;server…</source>
        <translation>连接服务器(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="304"/>
        <source>&amp;Download a model…</source>
        <translation>下载模型(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="306"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="320"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="321"/>
        <source>&amp;Paste image</source>
        <translation>粘贴图片(&amp;P)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="325"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="326"/>
        <source>&amp;Fit to window</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="328"/>
        <source>&amp;Actual size (100 %)</source>
        <translation>实际大小（100%）(&amp;A)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="330"/>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="333"/>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="336"/>
        <source>&amp;Tagging</source>
        <translation>打标(&amp;T)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="337"/>
        <source>&amp;Tag the selected images</source>
        <translation>为所选图片打标(&amp;T)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="339"/>
        <source>Tag every &amp;untagged image</source>
        <translation>为所有未打标图片打标(&amp;U)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="341"/>
        <source>&amp;Resume unfinished tagging</source>
        <translation>继续未完成的打标(&amp;R)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="343"/>
        <source>&amp;Cancel tagging</source>
        <translation>取消打标(&amp;C)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="346"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="347"/>
        <source>&amp;About Vistag</source>
        <translation>关于 Vistag(&amp;A)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="348"/>
        <source>About Vistag</source>
        <translation>关于 Vistag</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="354"/>
        <source>Choose a Qwen3-VL model folder</source>
        <translation>选择 Qwen3-VL 模型文件夹</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="357"/>
        <source>Loading %1 …</source>
        <translation>正在加载 %1 …</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="363"/>
        <source>Connect to a server</source>
        <translation>连接服务器</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="368"/>
        <source>the server&apos;s first model</source>
        <translation>服务器的第一个模型</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="370"/>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="371"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="372"/>
        <source>Model name</source>
        <translation>模型名称</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="386"/>
        <source>Connecting to %1 …</source>
        <translation>正在连接 %1 …</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="392"/>
        <location filename="../src/main_window.cpp" line="429"/>
        <source>Download a model</source>
        <translation>下载模型</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="396"/>
        <source>ModelScope</source>
        <translation>魔搭 ModelScope</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="398"/>
        <source>default, or a mirror such as https://hf-mirror.com</source>
        <translation>默认，或镜像站，例如 https://hf-mirror.com</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="402"/>
        <source>Repository</source>
        <translation>模型仓库</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="403"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="404"/>
        <source>Mirror</source>
        <translation>镜像</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="405"/>
        <source>Save to</source>
        <translation>保存到</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="422"/>
        <source>A download is already running.</source>
        <translation>已有下载正在进行。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="427"/>
        <source>Downloading %1 …</source>
        <translation>正在下载 %1 …</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="427"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="445"/>
        <source>File %1 of %2: %3</source>
        <translation>第 %1/%2 个文件：%3</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="459"/>
        <source>The download was cancelled; start it again to resume.</source>
        <translation>下载已取消；再次开始即可继续。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="460"/>
        <source>The download failed: %1</source>
        <translation>下载失败：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="474"/>
        <source>Add images</source>
        <translation>添加图片</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="475"/>
        <source>Images (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="486"/>
        <source>The catalogue is not open, so images cannot be added.</source>
        <translation>商品图库未打开，无法添加图片。</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="490"/>
        <source>Adding images…</source>
        <translation>正在添加图片…</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="516"/>
        <source>Added %n image(s); %1 could not be read</source>
        <translation>
            <numerusform>已添加 %n 张图片；%1 个文件无法读取</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="517"/>
        <source>Added %n image(s)</source>
        <translation>
            <numerusform>已添加 %n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/clipboard_import.cpp" line="35"/>
        <location filename="../src/main_window.cpp" line="269"/>
        <source>The clipboard holds no image.</source>
        <translation>剪贴板中没有图片。</translation>
    </message>
    <message>
        <location filename="../src/clipboard_import.cpp" line="47"/>
        <source>The folder %1 could not be created.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <location filename="../src/clipboard_import.cpp" line="54"/>
        <source>The pasted image could not be saved to %1: %2</source>
        <translation>无法把粘贴的图片保存到 %1：%2</translation>
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
